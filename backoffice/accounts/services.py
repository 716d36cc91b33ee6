"""Writes of the organisation: roles, users, regions, departments."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.accounts.exceptions import (
    DuplicateUser,
    RolePermissionMissing,
    UnknownRegion,
    UnknownRole,
)
from backoffice.accounts.models import Region, User
from backoffice.accounts.roles import ROLES
from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record, audit_record_many, created_changes
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.services import model_delete, model_save


def _permissions_for(codes: frozenset[str], *, using: str) -> list[Permission]:
    everything = Permission.objects.using(using).select_related("content_type")
    if "*" in codes:
        return list(everything)
    wanted = {tuple(code.split(".", 1)) for code in codes}
    found = [p for p in everything if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:
        names = ", ".join(sorted(".".join(m) for m in missing))
        raise RolePermissionMissing(f"roles.py names permissions that do not exist: {names}")
    return found


@transaction.atomic
def roles_sync(*, using: str = DEFAULT_DB_ALIAS, verbosity: int = 0) -> dict[str, int]:
    """Make each role's group hold exactly the permissions roles.py gives it."""
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    counts = {}
    for role in ROLES.values():
        group, _created = Group.objects.using(using).get_or_create(name=role.code)
        permissions = _permissions_for(role.permissions, using=using)
        group.permissions.set(permissions)
        counts[role.code] = len(permissions)
    return counts


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    by: Actor | None = None,
    region_codes: list[str] | None = None,
    password: str | None = None,
    email: str = "",
    full_name: str = "",
    validate_password_strength: bool = True,
    language: str = "",
) -> User:
    """Onboard one person with one role and their regions. No password means no login yet."""
    if role not in ROLES:
        raise UnknownRole(
            _("Unknown role “%(role)s”. Roles: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLES)},
            extra={"role": role, "roles": list(ROLES)},
        )
    if User.objects.filter(username__iexact=username).exists():
        raise DuplicateUser(
            _("A user named “%(username)s” already exists.") % {"username": username},
            extra={"username": username},
        )
    region_codes = region_codes or []
    regions = list(Region.objects.filter(code__in=region_codes))
    unknown = sorted(set(region_codes) - {r.code for r in regions})
    if unknown:
        known = ", ".join(Region.objects.values_list("code", flat=True)) or _("none")
        raise UnknownRegion(
            _("Unknown region “%(region)s”. Regions: %(known)s.")
            % {"region": ", ".join(unknown), "known": known},
            extra={"regions": unknown},
        )
    user = User(
        username=username,
        email=email,
        full_name=full_name,
        language=language,
        is_staff=True,
        is_active=True,
    )
    if password:
        if validate_password_strength:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ValidationFailed(
                    " ".join(exc.messages), extra={"fields": {"password": exc.messages}}
                ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    model_save(instance=user, by=by)
    group = Group.objects.get_or_create(name=role)[0]
    user.groups.set([group])
    user.regions.set(regions)
    audit_record(
        by=by,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        changes={"groups": [None, [group.pk]], "regions": [None, [r.pk for r in regions]]},
    )
    return user


@transaction.atomic
def region_bulk_create(
    *, rows: Sequence[Mapping[str, str]], by: Actor, note: str = ""
) -> list[Region]:
    """Add many regions ({"code", "name"}) in batches, each audited as created: the path of
    imports, whose rows were checked already. A code taken before refuses them all."""
    taken = set(Region.objects.filter(code__in=[r["code"] for r in rows]).values_list("code"))
    if taken:
        codes = ", ".join(sorted(code for (code,) in taken))
        raise ValidationFailed(
            _("These regions exist already: %(codes)s.") % {"codes": codes},
            extra={"fields": {"code": [codes]}},
        )
    regions = Region.objects.bulk_create(
        [Region(code=r["code"], name=r["name"]) for r in rows], batch_size=2000
    )
    audit_record_many(by=by, action=AuditEvent.Action.CREATE, objects=regions, note=note)
    return regions


@transaction.atomic
def user_bulk_create(
    *, rows: Sequence[Mapping[str, Any]], role: str, by: Actor, note: str = ""
) -> list[User]:
    """Onboard many people with one role, as user_create does one ({"username",
    "full_name", "region_codes"}; no password, so no login yet), in batches, each audited
    as created with their role and regions: the path of imports."""
    if role not in ROLES:
        raise UnknownRole(
            _("Unknown role “%(role)s”. Roles: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLES)},
            extra={"role": role, "roles": list(ROLES)},
        )
    names = [r["username"] for r in rows]
    taken = sorted(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in={n.lower() for n in names})
        .values_list("username", flat=True)
    )
    if taken or len({n.lower() for n in names}) < len(names):
        raise DuplicateUser(
            _("A user named “%(username)s” already exists.")
            % {"username": ", ".join(taken) or names[0]},
            extra={"username": taken},
        )
    regions = dict(Region.objects.values_list("code", "pk"))
    unknown = sorted({c for r in rows for c in r.get("region_codes", ())} - set(regions))
    if unknown:
        raise UnknownRegion(
            _("Unknown region “%(region)s”. Regions: %(known)s.")
            % {"region": ", ".join(unknown), "known": ", ".join(regions) or _("none")},
            extra={"regions": unknown},
        )
    users = []
    for row in rows:
        user = User(
            username=row["username"],
            full_name=row.get("full_name", ""),
            is_staff=True,
            is_active=True,
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users, batch_size=1000)
    group = Group.objects.get_or_create(name=role)[0]
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=2000
    )
    region_ids = {
        u.pk: sorted(regions[c] for c in row.get("region_codes", ()))
        for u, row in zip(users, rows, strict=True)
    }
    User.regions.through.objects.bulk_create(
        [
            User.regions.through(user_id=user_id, region_id=region_id)
            for user_id, ids in region_ids.items()
            for region_id in ids
        ],
        batch_size=2000,
    )

    def changes(user: Any) -> dict[str, Any]:
        roles = {"groups": [None, [group.pk]], "regions": [None, region_ids[user.pk]]}
        return created_changes(user) | roles

    audit_record_many(
        by=by, action=AuditEvent.Action.CREATE, objects=users, changes=changes, note=note
    )
    return users


def user_language_set(*, by: User, language: str) -> User:
    """Remember the language a person chose in the staff UI: the system's mail to them is
    written in it. A language the site does not offer is refused."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(extra={"fields": {"language": [_("Not a language of the site.")]}})
    if by.language != language:
        by.language = language
        User.objects.filter(pk=by.pk).update(language=language)
    return by


def user_credentials_revoke(*, user: User) -> int:
    """End every way in that `user` holds now: API tokens and logged-in sessions. Called when
    an account is deactivated, so that reactivating it later does not bring an old token or a
    stolen session cookie back to life. Returns how many were ended."""
    from rest_framework.authtoken.models import Token

    ended, _counts = Token.objects.filter(user=user).delete()
    user_id = str(user.pk)
    stale = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(pk__in=stale).delete()
    return ended + len(stale)


@permission_required("accounts.change_user")
@transaction.atomic
def user_deactivate(*, user: User, by: Actor) -> User:
    """Disable an account (people who leave are deactivated, never deleted): it can no
    longer log in, and its tokens and sessions end now, for good."""
    if user.is_active:
        user.is_active = False
        model_save(instance=user, by=by, validate=False)
    user_credentials_revoke(user=user)
    return user


@permission_required("axes.delete_accessattempt")
@transaction.atomic
def login_lockout_clear(*, attempts: QuerySet, by: Actor) -> int:
    """Unlock: clear the failure counts that lock a username or an address out (after an
    administrator has checked who it was). The log of the failures themselves stays."""
    count = 0
    for attempt in attempts:
        model_delete(instance=attempt, by=by, note="unlock")
        count += 1
    return count
