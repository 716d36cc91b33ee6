from django.tasks import task

from backoffice.parties.services import qualifications_expiry_run


@task()
def qualifications_expiry_daily() -> dict[str, int]:
    """Enqueued once a day by `manage.py daily_jobs` (cron / systemd timer)."""
    return qualifications_expiry_run()
