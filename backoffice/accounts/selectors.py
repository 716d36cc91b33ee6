from django.db.models import Q, QuerySet

from backoffice.accounts.models import Department, Region, User


def region_list() -> QuerySet[Region]:
    return Region.objects.all()


def department_list() -> QuerySet[Department]:
    return Department.objects.all()


def user_visible_to(user: User) -> QuerySet[User]:
    """The people a user may see (active or not): everyone, for superusers and those who
    assign owners and reviewers across the company (`view_all_users`); the people of one's
    own regions, for a regional manager (`view_user` alone); else only oneself."""
    users = User.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return users.none()
    if user.is_superuser or user.has_perm("accounts.view_all_users"):
        return users
    if user.has_perm("accounts.view_user"):
        same_regions = User.objects.filter(regions__in=user.regions.all()).values("pk")
        return users.filter(Q(pk__in=same_regions) | Q(pk=user.pk))
    return users.filter(pk=user.pk)


def user_directory(*, by: User) -> QuerySet[User]:
    """The active people `by` may see (the directory of the API and the dashboard)."""
    return user_visible_to(by).filter(is_active=True).prefetch_related("groups", "regions")


def user_list(*, by: User) -> QuerySet[User]:
    """The directory as `by` may see it, by username (the list's filters: `accounts.filters`)."""
    return user_directory(by=by).order_by("username")
