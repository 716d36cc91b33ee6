import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from backoffice.accounts.models import User
from backoffice.accounts.roles import ROLES


@pytest.mark.django_db
def test_adduser_onboards_a_rep_in_a_region(region_north):
    call_command(
        "adduser",
        "rep_zhao",
        "--role",
        "rep",
        "--region",
        "north",
        "--password",
        "Long-enough-2026",
        "--email",
        "zhao@example.com",
    )
    user = User.objects.get(username="rep_zhao")
    assert user.role_codes == ["rep"]
    assert [r.code for r in user.regions.all()] == ["north"]
    assert user.check_password("Long-enough-2026")
    assert user.is_staff and user.is_active


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--role", "boss"], "Unknown role “boss”"),
        (["x", "--role", "rep", "--region", "mars"], "Unknown region “mars”"),
        (["x", "--role", "rep", "--password", "123"], "too short"),
    ],
)
def test_adduser_refuses_bad_input_with_a_clear_message(args, message, region_north):
    with pytest.raises(CommandError, match=message):
        call_command("adduser", *args)
    assert not User.objects.filter(username="x").exists()


@pytest.mark.django_db
def test_adduser_refuses_a_duplicate(rep_wang):
    with pytest.raises(CommandError, match="already exists"):
        call_command("adduser", "REP_WANG", "--role", "clerk")


def test_adduser_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "adduser", "nobody", "--role", "boss"],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PATH": "/usr/bin:/bin",
            "BACKOFFICE_VAR_DIR": str(tmp_path),
        },
        check=False,
    )
    assert result.returncode != 0
    assert "Unknown role" in result.stderr


@pytest.mark.django_db
def test_sync_roles_gives_each_role_exactly_its_permissions():
    rep = Group.objects.get(name="rep")
    rep.permissions.clear()
    call_command("sync_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in rep.permissions.all()}
    assert codes == set(ROLES["rep"].permissions)
    admin = Group.objects.get(name="admin")
    from django.contrib.auth.models import Permission

    assert admin.permissions.count() == Permission.objects.count()


@pytest.mark.django_db
def test_role_rules_in_practice(rep_wang, clerk, finance, outsider):
    assert not rep_wang.has_perm("accounts.view_user")
    assert clerk.has_perm("accounts.view_user")
    assert finance.has_perm("audit.view_auditevent")
    assert not outsider.has_perm("accounts.view_region")
