"""The names django-axes gives its records and their fields, which it ships in no Chinese:
listed here so that `make messages` keeps them in our catalogue, translated (the staff UI's
failed-login pages show them)."""

from django.utils.translation import gettext_lazy as _

AXES_LABELS = [
    _("access failure"),
    _("access failures"),
    _("access attempt"),
    _("access attempts"),
    _("access log"),
    _("access logs"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Access lock out"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
]
