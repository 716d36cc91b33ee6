import io

import pytest
from openpyxl import load_workbook

from backoffice.accounts.models import Region
from backoffice.audit.models import AuditEvent


@pytest.mark.django_db
def test_a_clerk_reads_the_user_list_but_a_rep_may_not(client, clerk, rep_wang):
    client.force_login(clerk)
    response = client.get("/accounts/user/")
    assert response.status_code == 200
    assert "王磊" in response.content.decode()
    client.force_login(rep_wang)
    assert client.get("/accounts/user/").status_code == 403


@pytest.mark.django_db
def test_the_sidebar_shows_only_what_the_role_may_use(client, clerk, rep_wang, admin_user):
    client.force_login(rep_wang)
    page = client.get("/").content.decode()
    assert 'href="/accounts/region/"' in page
    assert 'href="/accounts/user/"' not in page
    assert 'href="/audit/auditevent/"' not in page
    client.force_login(clerk)
    page = client.get("/").content.decode()
    assert 'href="/accounts/user/"' in page
    assert 'href="/auth/group/"' not in page
    client.force_login(admin_user)
    assert 'href="/auth/group/"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_adding_a_region_in_the_admin_is_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/accounts/region/add/", {"code": "west", "name": "西部", "is_active": "on"}
    )
    assert response.status_code == 302
    region = Region.objects.get(code="west")
    event = AuditEvent.objects.get(model="accounts.region", object_id=str(region.pk))
    assert (event.action, event.actor) == ("create", admin_user)
    response = client.post(
        f"/accounts/region/{region.pk}/change/", {"code": "west", "name": "西部大区"}
    )
    assert response.status_code == 302
    change = AuditEvent.objects.filter(model="accounts.region", action="update").get()
    assert change.changes == {"name": ["西部", "西部大区"], "is_active": [True, False]}


@pytest.mark.django_db
def test_changing_a_users_regions_is_audited(client, admin_user, rep_wang, region_east):
    client.force_login(admin_user)
    data = {
        "username": "rep_wang",
        "full_name": "王磊",
        "groups": [g.pk for g in rep_wang.groups.all()],
        "regions": [region_east.pk],
        "is_active": "on",
        "is_staff": "on",
    }
    response = client.post(f"/accounts/user/{rep_wang.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(model="accounts.user", changes__has_key="regions").first()
    assert event.changes["regions"][1] == [region_east.pk]


@pytest.mark.django_db
def test_export_to_excel_follows_the_lists_filters(client, admin_user, region_north, region_east):
    Region.objects.filter(code="east").update(is_active=False)
    client.force_login(admin_user)
    response = client.get(
        "/accounts/region/export-xlsx/",
        HTTP_REFERER="http://testserver/accounts/region/?is_active__exact=1",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("code", "name", "active")
    assert rows[1:] == [("north", "华北大区", True)]


@pytest.mark.django_db
def test_export_is_refused_without_view_permission(client, outsider):
    client.force_login(outsider)
    assert client.get("/accounts/region/export-xlsx/").status_code == 403


@pytest.mark.django_db
def test_user_changelist_query_count_does_not_grow_with_rows(
    client, admin_user, django_assert_max_num_queries
):
    from backoffice.accounts.services import user_create

    client.force_login(admin_user)
    client.get("/accounts/user/")  # warm caches
    with django_assert_max_num_queries(14) as few:
        client.get("/accounts/user/")
    for i in range(30):
        user_create(username=f"rep{i}", role="rep")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/accounts/user/")
