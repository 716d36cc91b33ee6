from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

SEE_REVIEWS = {"reviews.view_reviewrequest"}


def _policies_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.reviews.services import review_policies_sync

    review_policies_sync(using=using)


def _reviews_waiting(user):
    """The reviews waiting for the user's decision, oldest first."""
    from django.urls import reverse

    from backoffice.core.todos import Todo
    from backoffice.reviews.selectors import review_pending_for

    todos = []
    for review in review_pending_for(user)[:10]:
        opts = review.content_type.model_class()._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[review.object_id])
        todos.append(
            Todo(title=_("Review: %s") % review.object_repr, url=url, since=review.submitted_at)
        )
    return todos


def _all_reviews_active(request) -> bool:
    """ "My reviews" lives under the same prefix."""
    return request.path.startswith("/reviews/reviewrequest/") and "/pending/" not in request.path


class ReviewsConfig(AppConfig):
    name = "backoffice.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.deletion import register_keeper
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_item
        from backoffice.core.todos import register_todo
        from backoffice.reviews.models import (
            ReversalRequest,
            ReviewDecision,
            ReviewPolicy,
            ReviewPolicyLevel,
            ReviewRequest,
        )
        from backoffice.reviews.registry import register
        from backoffice.reviews.reversals import (
            reversal_apply,
            reversal_levels,
            reversal_refuse,
            reversal_visible_to,
        )
        from backoffice.reviews.selectors import review_history_keeps, review_request_visible_to

        register_visibility(ReviewRequest, review_request_visible_to)
        # A document once under review keeps its review's record: never deleted after it.
        register_keeper(review_history_keeps)
        register_visibility_through(ReviewDecision, "request")
        register_global(ReviewPolicy, ReviewPolicyLevel)
        post_migrate.connect(_policies_after_migrate, dispatch_uid="reviews-sync-policies")
        # Undoing an approved document is itself reviewed, with its original's levels.
        register_visibility(ReversalRequest, reversal_visible_to)
        register(
            ReversalRequest,
            label=_("Reversal request"),
            levels=[],
            levels_for=reversal_levels,
            on_approved=reversal_apply,
            on_rejected=reversal_refuse,
            authors=lambda asked: [asked.requested_by_id],
        )
        see_reversals = {"reviews.view_reversalrequest"}
        grant(
            {
                "clerk": SEE_REVIEWS | see_reversals,
                "sales_manager": SEE_REVIEWS | see_reversals,
                "general_manager": SEE_REVIEWS | see_reversals,
                "rep": see_reversals,
                "regional_manager": see_reversals,
                "finance": see_reversals,
            }
        )
        register_todo("reviews", order=100, items=_reviews_waiting)
        register_nav_item(
            "workspace",
            _("My reviews"),
            icon="fact_check",
            url="admin:reviews_pending",
            badge="backoffice.reviews.selectors.pending_badge",
            order=20,
        )
        register_nav_item(
            "system",
            _("Review policies"),
            icon="rule",
            url="admin:reviews_reviewpolicy_changelist",
            permission="reviews.change_reviewpolicy",
            order=20,
        )
        register_nav_item(
            "system",
            _("All reviews"),
            icon="checklist",
            url="admin:reviews_reviewrequest_changelist",
            permission="reviews.view_reviewrequest",
            active=_all_reviews_active,
            order=30,
        )
