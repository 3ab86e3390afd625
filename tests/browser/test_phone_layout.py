"""The residents' pages on a 375 px phone: the home page puts the residents' part first, and the published plan shows
each project as a card (title, lead unit, progress), with nothing to scroll sideways, the table's box included.
The screenshots are in test-artifacts/browser/phone-375/."""

import pytest

from tests.browser.conftest import Album
from tests.factories import make_open_round, make_published_plan, make_unit, make_user

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
# Boxes wider than what shows of them: the page itself, and every box that would scroll sideways.
SCROLLING_SIDEWAYS = """() => [document.documentElement, ...document.querySelectorAll('.table-wrap')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => box.tagName.toLowerCase() + [...box.classList].map((c) => '.' + c).join(''))"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    yield context.new_page()
    context.close()


def test_on_a_phone_the_plan_shows_each_project_as_a_card_with_nothing_to_scroll_sideways(phone):
    office = make_user(role="office")
    unit = make_unit(name="深圳市龙岗区城市管理和综合执法局（区城市更新和土地整备局）")
    plan = make_published_plan(
        office=office, lead_unit=unit, title="推进网格管理标准化建设，探索基层社会治理精细化、智能化的长效机制"
    )
    make_open_round(title="龙岗区2031年改革计划")
    album = Album("phone-375")
    album.watch(phone)

    phone.goto(f"/plans/{plan.id}")
    album.shoot(phone, "plan")
    assert phone.evaluate(SCROLLING_SIDEWAYS) == [] and album.sideways == {}
    assert not phone.locator("table.project-table thead").is_visible()
    card = phone.locator("table.project-table tbody tr").first
    assert "推进网格管理标准化建设" in card.inner_text() and "城市管理和综合执法局" in card.inner_text()
    labels = card.locator("td[data-label]").evaluate_all(
        "(cells) => cells.filter((cell) => cell.offsetParent).map((cell) => getComputedStyle(cell, '::before').content)"
    )
    assert labels == ['"牵头单位："', '"最新进展："']  # each value says what it is
    assert card.bounding_box()["width"] <= 375

    phone.goto("/")
    album.shoot(phone, "home")
    assert phone.evaluate(SCROLLING_SIDEWAYS) == [] and album.sideways == {}
    button = phone.get_by_role("link", name="提建议").last
    staff = phone.locator(".portal-staff")
    assert button.bounding_box()["y"] < staff.bounding_box()["y"]  # the residents' part comes first
    assert album.errors == []
