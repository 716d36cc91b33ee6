"""The sample document (tests/testapp) plugs into the dashboard, the sidebar and the roles
from its own apps.py, as docs/adding-a-domain.md shows: nothing central lists it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from backoffice.accounts.services import roles_sync
from tests.testapp.models import Voucher


@pytest.fixture
def drafts(clerk, rep_wang, region_north):
    for owner in (clerk, clerk, rep_wang):
        Voucher.objects.create(
            title="样品出库", owner=owner, region=region_north, total_amount=Decimal("10.00")
        )


@pytest.mark.django_db
def test_sync_roles_applies_the_sample_apps_grant():
    Group.objects.filter(name="clerk").delete()
    roles_sync()
    held = set(
        Group.objects.get(name="clerk")
        .permissions.filter(content_type__app_label="testapp")
        .values_list("codename", flat=True)
    )
    assert held == {"view_voucher", "add_voucher", "change_voucher"}
    assert (
        not Group.objects.get(name="finance")
        .permissions.filter(content_type__app_label="testapp")
        .exists()
    )


@pytest.mark.django_db
def test_the_dashboard_counts_the_users_own_drafts(client, drafts, clerk):
    client.force_login(clerk)
    page = client.get("/").content.decode()
    assert '<a class="text-primary-600" href="/testapp/voucher/?status__exact=draft">' in page
    assert "2 vouchers are drafts" in page


@pytest.mark.django_db
def test_the_dashboard_shows_no_count_to_a_role_without_the_permission(client, drafts, finance):
    client.force_login(finance)
    page = client.get("/").content.decode()
    assert "is a draft" not in page and "status__exact=draft" not in page


@pytest.mark.django_db
def test_the_sidebar_shows_vouchers_to_a_role_that_may_see_them_only(client, clerk, finance):
    client.force_login(clerk)
    assert 'href="/testapp/voucher/"' in client.get("/").content.decode()
    client.force_login(finance)
    assert 'href="/testapp/voucher/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_sample_documents_step_cancels_a_draft_with_a_reason(client, drafts, clerk, finance):
    voucher = Voucher.objects.filter(owner=clerk).first()
    page = f"/testapp/voucher/{voucher.pk}/"
    client.force_login(finance)  # no permission on vouchers
    assert client.post(f"{page}step/cancel/", {"reason": "重复"}).status_code == 403
    client.force_login(clerk)
    assert 'data-testid="step-cancel"' in client.get(f"{page}change/").content.decode()
    assert client.post(f"{page}step/cancel/", {"reason": ""}).status_code == 400
    voucher.refresh_from_db()
    assert voucher.status == "draft"
    client.post(f"{page}step/cancel/", {"reason": "重复"})
    voucher.refresh_from_db()
    assert voucher.status == "cancelled"
    assert 'data-testid="step-cancel"' not in client.get(f"{page}change/").content.decode()
