import pytest

from backoffice.accounts.models import Region
from backoffice.audit.models import AuditEvent
from conftest import PASSWORD


@pytest.mark.django_db
def test_token_login_then_token_use(api, clerk):
    response = api.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/accounts/users/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk"
    assert me.json()["roles"] == ["clerk"]


@pytest.mark.django_db
def test_wrong_password_and_disabled_user_get_a_clear_400(api, clerk):
    wrong = api.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_credentials"
    clerk.is_active = False
    clerk.save()
    disabled = api.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    assert disabled.status_code == 400


@pytest.mark.django_db
def test_login_attempts_are_throttled(api, clerk, settings):
    from django.core.cache import cache

    cache.clear()
    for _ in range(10):
        api.post("/api/v1/auth/token/", {"username": "clerk", "password": "x"}, format="json")
    response = api.post(
        "/api/v1/auth/token/", {"username": "clerk", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    cache.clear()


@pytest.mark.django_db
def test_anonymous_gets_401_with_the_error_body(api):
    response = api.get("/api/v1/accounts/regions/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "extra"}
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_everyone_reads_regions_and_looks_up_by_code(api, rep_wang, region_north, region_east):
    api.force_authenticate(rep_wang)
    response = api.get("/api/v1/accounts/regions/", {"code": "east"})
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["华东大区"]


@pytest.mark.django_db
def test_only_admins_write_regions(api, rep_wang, admin_user):
    api.force_authenticate(rep_wang)
    refused = api.post("/api/v1/accounts/regions/", {"code": "west", "name": "西部"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    api.force_authenticate(admin_user)
    created = api.post("/api/v1/accounts/regions/", {"code": "west", "name": "西部"}, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    patched = api.patch(f"/api/v1/accounts/regions/{pk}/", {"name": "西部大区"}, format="json")
    assert patched.json()["name"] == "西部大区"
    assert AuditEvent.objects.filter(model="accounts.region", object_id=str(pk)).count() == 2
    assert api.delete(f"/api/v1/accounts/regions/{pk}/").status_code == 204
    assert not Region.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_duplicate_or_malformed_region_is_a_400_with_field_errors(api, admin_user, region_north):
    api.force_authenticate(admin_user)
    duplicate = api.post("/api/v1/accounts/regions/", {"code": "north", "name": "x"}, format="json")
    assert duplicate.status_code == 400
    assert "code" in duplicate.json()["extra"]["fields"]
    bad = api.post("/api/v1/accounts/regions/", {"code": "has space"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["extra"]["fields"]) == {"code", "name"}


@pytest.mark.django_db
def test_departments_work_like_regions(api, admin_user, rep_wang):
    api.force_authenticate(admin_user)
    assert (
        api.post(
            "/api/v1/accounts/departments/", {"code": "sales", "name": "销售部"}, format="json"
        ).status_code
        == 201
    )
    api.force_authenticate(rep_wang)
    assert api.get("/api/v1/accounts/departments/", {"code": "sales"}).json()["count"] == 1


@pytest.mark.django_db
def test_the_user_directory_is_for_those_who_assign(api, rep_wang, rep_li, clerk):
    api.force_authenticate(rep_wang)
    assert api.get("/api/v1/accounts/users/").status_code == 403
    assert api.get(f"/api/v1/accounts/users/{rep_li.pk}/").status_code == 404
    api.force_authenticate(clerk)
    found = api.get("/api/v1/accounts/users/", {"username": "rep_li"}).json()["results"]
    assert found == [
        {
            "id": rep_li.pk,
            "username": "rep_li",
            "name": "李娜",
            "email": "",
            "roles": ["rep"],
            "regions": ["east"],
        }
    ]
    by_role = api.get("/api/v1/accounts/users/", {"role": "rep", "region": "north"}).json()
    assert [u["username"] for u in by_role["results"]] == ["rep_wang"]


@pytest.mark.django_db
def test_bad_requests_are_4xx_never_500(api, clerk, admin_user, settings):
    api.force_authenticate(clerk)
    unknown = api.get("/api/v1/no-such-thing/")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_found"
    malformed = api.generic(
        "POST", "/api/v1/auth/token/", "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert api.put("/api/v1/accounts/users/me/", {}, format="json").status_code == 405
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api.force_authenticate(admin_user)
    big = api.post("/api/v1/accounts/regions/", {"code": "x" * 5000, "name": "y"}, format="json")
    assert big.status_code == 413
    assert big.json()["code"] == "too_large"
    assert api.get("/api/v1/accounts/regions/not-a-number/").status_code == 404
