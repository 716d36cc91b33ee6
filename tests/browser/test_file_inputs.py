"""Every form with a file upload: choosing a file raises no script error (the theme's script
writes the chosen name into its own markup around each file input)."""

import pytest

from backoffice.parties.services import customer_create
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pharmacy(rep_wang, region_north):
    return customer_create(by=rep_wang, name="北京同仁堂药店", kind="pharmacy", region=region_north)


def test_choosing_a_file_raises_no_script_error(
    live_server, page, admin_user, pharmacy, tmp_path, screenshot
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("dashboard").wait_for()
    forms = [
        f"/parties/customer/{pharmacy.pk}/change/",  # the attachment form of the customer page
        "/parties/customer/import/",
        "/parties/qualification/add/",
    ]
    for path in forms:
        page.goto(f"{live_server.url}{path}")
        inputs = page.locator("input[type=file]")
        assert inputs.count() >= 1, path
        for index in range(inputs.count()):
            inputs.nth(index).set_input_files(str(scan))
        page.wait_for_timeout(200)
        assert errors == [], (path, errors)
        # the chosen file's name shows in the box beside the input
        assert page.locator('input[type=text][value="营业执照.pdf"]').count() >= 1, path
    screenshot("file-input-chosen")
