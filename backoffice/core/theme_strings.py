"""The theme's own strings, translated in our catalogue.

Unfold ships no Chinese catalogue, so "Search apps and models", "Select value", "Apply
Filters"… would show in English on Chinese pages. Marking them here makes `make messages`
keep them in backoffice/locale (first in LOCALE_PATHS, so our translations win). When Unfold
is upgraded, add any new string a page shows (the browser walk in tests/browser fails on it).
"""

from django.utils.translation import gettext_noop, ngettext_lazy

THEME_STRINGS = [
    # Django 6's empty choice of every select, missing from its own Chinese catalogue
    gettext_noop("- Select an option -"),
    # Django's own Chinese ends these with an English full stop
    gettext_noop("You may edit it again below."),
    gettext_noop("Add new item"),
    gettext_noop("Add row"),
    gettext_noop("After you've created a user, you’ll be able to edit more user options."),
    gettext_noop("All applications"),
    gettext_noop("Apply Filters"),
    gettext_noop("Available shortcuts"),
    gettext_noop("Bold"),
    gettext_noop("Changelist shortcuts"),
    gettext_noop("Choose file to upload"),
    gettext_noop("Click to cancel"),
    gettext_noop("Click to download"),
    gettext_noop("Command tool shortcuts"),
    gettext_noop("Create new record"),
    gettext_noop("Dark"),
    gettext_noop("Date"),
    gettext_noop("Date from"),
    gettext_noop("Date to"),
    gettext_noop("Enter an URL"),
    gettext_noop("False"),
    gettext_noop("Forgotten your password or username?"),
    gettext_noop("General"),
    gettext_noop("Global shortcuts"),
    gettext_noop("Go back"),
    gettext_noop("Heading"),
    gettext_noop("Image preview"),
    gettext_noop("Indent decrease"),
    gettext_noop("Indent increase"),
    gettext_noop("Italic"),
    gettext_noop(
        "Items must be selected in order to perform actions on them. No items have been changed."
    ),
    gettext_noop("Light"),
    gettext_noop("Link"),
    gettext_noop("Navigate"),
    gettext_noop("No data"),
    gettext_noop("No results found"),
    gettext_noop("Not enough data."),
    gettext_noop("Nothing matched your search"),
    gettext_noop("Open command tool"),
    gettext_noop("Open selection"),
    gettext_noop("Open selection in new tab"),
    gettext_noop("Open shortcuts list"),
    gettext_noop("Ordered list"),
    gettext_noop("Paragraph"),
    gettext_noop(
        "Please enter your old password, for security’s sake, and then enter your new "
        "password twice so we can verify you typed it in correctly."
    ),
    gettext_noop("Quote"),
    gettext_noop("Recent searches"),
    gettext_noop("Record picture"),
    gettext_noop("Redo"),
    gettext_noop("Reset filters"),
    gettext_noop("Return to site"),
    gettext_noop("Run the selected action"),
    gettext_noop("Search apps and models..."),
    gettext_noop("Select"),
    gettext_noop("Select action"),
    gettext_noop("Select action to run"),
    gettext_noop("Select currency"),
    gettext_noop("Select record"),
    gettext_noop("Select value"),
    gettext_noop("Strike"),
    gettext_noop("Submit"),
    gettext_noop("This item will be deleted."),
    gettext_noop(
        "This object doesn’t have a change history. It probably wasn’t added via this admin site."
    ),
    gettext_noop("This page yielded into no results."),
    gettext_noop("To"),
    gettext_noop("Toggle dark/light mode"),
    gettext_noop("Toggle filter"),
    gettext_noop("Toggle password visibility"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("True"),
    gettext_noop("Type to search"),
    gettext_noop("Underlined"),
    gettext_noop("Undo"),
    gettext_noop("Unlink"),
    gettext_noop("Unordered list"),
    gettext_noop("Value"),
    gettext_noop("Welcome"),
    gettext_noop("Welcome back to"),
    gettext_noop("You have been successfully logged out from the administration"),
]

# django_tasks_db (the background tasks' list) marks these but ships no Chinese.
TASK_STRINGS = [
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
]

# unfold/helpers/command_results.html: a plural with markup, its whitespace is in the msgid.
COMMAND_RESULTS = ngettext_lazy(
    '\n            Found <span class="font-medium text-important">%(counter)s</span> result in '
    "%(time)s seconds\n        ",
    '\n            Found <span class="font-medium text-important">%(counter)s</span> results in '
    "%(time)s seconds\n        ",
    "counter",
)

# django.utils.timesince: Django's Chinese says "11 月" (November) for eleven months and
# "4 日" for days; ours reads "11 个月", "4 天". The parts are joined by Django's list
# separator ", " (Chinese "，"), kept: the admin joins its lists with it too.
TIMESINCE_STRINGS = [
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
    gettext_noop(", "),
]
