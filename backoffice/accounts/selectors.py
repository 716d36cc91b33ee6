from django.db.models import QuerySet

from backoffice.accounts.models import Department, Region, User


def region_list() -> QuerySet[Region]:
    return Region.objects.all()


def department_list() -> QuerySet[Department]:
    return Department.objects.all()


def user_visible_to(user: User) -> QuerySet[User]:
    """The directory: everyone, for those who assign owners and reviewers; else only oneself."""
    users = User.objects.filter(is_active=True).prefetch_related("groups", "regions")
    if user.has_perm("accounts.view_user"):
        return users
    return users.filter(pk=user.pk)


def user_list(*, by: User) -> QuerySet[User]:
    """The directory as `by` may see it, by username (the list's filters: `accounts.filters`)."""
    return user_visible_to(by).order_by("username")
