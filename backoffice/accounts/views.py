"""The language switcher of the staff UI, which also remembers the choice on the person (the
language the system's mail to them is written in)."""

from contextlib import suppress

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from backoffice.accounts.services import user_language_set
from backoffice.core.exceptions import ValidationFailed


@require_POST
@csrf_protect
def language_set(request: HttpRequest) -> HttpResponse:
    response = set_language(request)  # the session's language, as Django's own view
    # a language the site does not offer: Django's view ignored it too, and so do we
    if request.user.is_authenticated:
        with suppress(ValidationFailed):
            user_language_set(by=request.user, language=request.POST.get("language", ""))
    return response
