"""Each role's permissions, as sync_roles applies them (roles_expected.json holds the
mapping as it was before the apps granted their own codenames)."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from backoffice.accounts.roles import ROLES
from backoffice.accounts.services import roles_sync

EXPECTED = json.loads(Path(__file__).with_name("roles_expected.json").read_text())


def _without_samples(codes) -> list[str]:
    """tests/testapp is installed in tests only; its grants are tested on their own."""
    return sorted(code for code in codes if not code.startswith("testapp."))


def test_every_role_keeps_its_code_label_and_permissions():
    assert list(ROLES) == list(EXPECTED)
    for code, role in ROLES.items():
        assert str(role.label) == EXPECTED[code]["label"]
        assert _without_samples(role.permissions) == EXPECTED[code]["permissions"], code


@pytest.mark.django_db
def test_sync_roles_gives_each_group_exactly_its_permissions():
    roles_sync()
    for code, expected in EXPECTED.items():
        group = Group.objects.get(name=code)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        if expected["permissions"] == ["*"]:
            assert len(held) == Permission.objects.count()
        else:
            assert _without_samples(held) == expected["permissions"], code
