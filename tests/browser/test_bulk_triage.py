"""The office triages residents' suggestions in bulk from the list, in a real browser: ticks some, accepts them,
refers them to a unit, and reads each time what will change and then what did. Screenshots are in
test-artifacts/browser/bulk-<viewport>/."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORTS, Album, log_in
from tests.factories import make_open_round, make_suggestion, make_unit, make_user

TITLES = ("建议增设社区长者饭堂", "建议延长图书馆开放时间", "建议规范共享单车停放")


@pytest.fixture
def suggestions_to_triage():
    """The office, a unit with its staff, and a round with three suggestions just received."""
    make_user(role="office", username="office", display_name="李明")
    unit = make_unit(name="区民政局")
    make_user(role="unit_staff", username="unit.minzheng", display_name="王芳", unit=unit, email="wang@example.cn")
    round = make_open_round()
    for title in TITLES:
        make_suggestion(round=round, title=title, contact_email="resident@example.cn")
    return round


def preview_and_confirm(page, *, changes: int) -> None:
    """Ask for the preview, check what it says will change, confirm."""
    page.get_by_role("button", name="预览变更…").click()
    expect(page.get_by_role("status")).to_contain_text(f"将变更 {changes} 条建议。")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_office_accepts_and_refers_suggestions_in_bulk(open_tab, suggestions_to_triage, viewport):
    album = Album(f"bulk-{viewport}")
    office = album.watch(open_tab(viewport))
    log_in(office, "office")
    list_page = f"/rounds/{suggestions_to_triage.id}/suggestions"

    # The office ticks two of the three and accepts them together.
    office.goto(list_page)
    for title in TITLES[:2]:
        office.get_by_label(f"选择“{title}”").check()
    office.locator("#action").select_option(label="受理")
    album.shoot(office, "chosen")
    preview_and_confirm(office, changes=2)
    expect(office.get_by_role("status")).to_contain_text("邮件通知留有电子邮箱的群众：2 位")
    album.shoot(office, "accept-preview")
    office.get_by_role("button", name="确认：变更 2 条建议").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("已完成：受理")
    expect(office.get_by_role("status")).to_contain_text("已变更 2 条建议。")
    album.shoot(office, "accepted")

    # Then all three, referred to the unit: the one still only received is referred in the same step.
    office.goto(list_page)
    office.get_by_label("当前筛选条件下的全部建议（含所有分页）").check()
    office.locator("#action").select_option(label="转办给单位")
    office.locator("#unit_id").select_option(label="区民政局")
    office.locator("#note").fill("请研究并答复")
    preview_and_confirm(office, changes=3)
    expect(office.get_by_role("status")).to_contain_text("区民政局的经办人（王芳）每条转办建议各收一封邮件。")
    album.shoot(office, "refer-preview")
    office.get_by_role("button", name="确认：变更 3 条建议").click()
    expect(office.get_by_role("status")).to_contain_text("已变更 3 条建议。")
    album.shoot(office, "referred")

    office.goto(list_page + "?status=referred")
    expect(office.locator("tbody tr")).to_have_count(3)
    assert album.sideways == {}, "the window scrolls sideways"
    assert album.errors == []
