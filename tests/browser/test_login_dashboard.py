import pytest

from conftest import PASSWORD
from tests.browser.conftest import cjk_font_installed

pytestmark = pytest.mark.browser

# Draws each character on a canvas and returns the pixels: when a font lacks the glyphs,
# every character renders as the same empty box, so distinct characters give equal images.
GLYPHS_JS = """
(chars) => chars.map((ch) => {
  const canvas = document.createElement('canvas');
  canvas.width = 40; canvas.height = 40;
  const ctx = canvas.getContext('2d');
  ctx.font = '32px ' + getComputedStyle(document.body).fontFamily;
  ctx.fillText(ch, 2, 32);
  return canvas.toDataURL();
})
"""


@pytest.mark.django_db(transaction=True)
def test_clerk_logs_in_sees_dashboard_and_switches_to_chinese(live_server, page, clerk, screenshot):
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    dashboard = page.get_by_test_id("dashboard")
    dashboard.wait_for()
    assert "陈静" in dashboard.inner_text()
    assert "Back-office clerk" in dashboard.inner_text()
    assert page.get_by_role("link", name="Dashboard").first.is_visible()
    # A clerk does not administer roles: the sidebar leaves that out.
    assert page.locator("a[href='/auth/group/']").count() == 0
    screenshot("dashboard-en")

    page.get_by_text("陈静", exact=True).last.click()
    page.get_by_role("button", name="简体中文").click()
    page.get_by_text("我的待办").wait_for()

    text = dashboard.inner_text()
    assert "销售内勤" in text
    assert "暂无待办事项" in text
    assert page.title().startswith("工作台")
    assert cjk_font_installed(), "no CJK font: apt-get install fonts-noto-cjk (.ci/run does)"
    images = page.evaluate(GLYPHS_JS, ["工", "作", "台", "销"])
    assert len(set(images)) == 4, "Chinese renders as identical boxes: a CJK font is missing"
    screenshot("dashboard-zh")


@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_refused_on_the_login_page(live_server, page, clerk):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    page.get_by_text("Please enter the correct username and password").wait_for()
    assert "/login/" in page.url
