from django.db.models import QuerySet

from backoffice.accounts.models import Department, Region, User


def region_list(*, code: str = "") -> QuerySet[Region]:
    regions = Region.objects.all()
    return regions.filter(code=code) if code else regions


def department_list(*, code: str = "") -> QuerySet[Department]:
    departments = Department.objects.all()
    return departments.filter(code=code) if code else departments


def user_visible_to(user: User) -> QuerySet[User]:
    """The directory: everyone, for those who assign owners and reviewers; else only oneself."""
    users = User.objects.filter(is_active=True).prefetch_related("groups", "regions")
    if user.has_perm("accounts.view_user"):
        return users
    return users.filter(pk=user.pk)


def user_list(*, by: User, username: str = "", role: str = "", region: str = "") -> QuerySet[User]:
    users = user_visible_to(by)
    if username:
        users = users.filter(username=username)
    if role:
        users = users.filter(groups__name=role)
    if region:
        users = users.filter(regions__code=region)
    return users.order_by("username").distinct()
