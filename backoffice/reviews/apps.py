from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _policies_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.reviews.services import review_policies_sync

    review_policies_sync(using=using)


class ReviewsConfig(AppConfig):
    name = "backoffice.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        post_migrate.connect(_policies_after_migrate, dispatch_uid="reviews-sync-policies")
