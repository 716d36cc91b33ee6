from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "backoffice.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from backoffice.core.jobs import register_daily_job
        from backoffice.reports.packs import report_packs_run

        # last: the packs read what the other jobs settle (contracts completed, expired…)
        register_daily_job("report_packs", report_packs_run, order=900)
