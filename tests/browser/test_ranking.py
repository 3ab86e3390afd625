"""The office's ranking on a 1366×768 laptop: every column in sight, and a decision on the rest below the cut line.

The screenshots are in test-artifacts/browser/ranking/.
"""

import pytest
from playwright.sync_api import expect

from review.models import ReviewStage
from review.queries import screenings
from review.services import stages
from tests.browser.conftest import Album, log_in
from tests.factories import make_user

# How far the ranking's table reaches past its scrolling box and past the window (0 when every column shows).
CUT_OFF = """() => {
  const table = document.querySelector("table.ranking");
  const box = table.parentElement;
  return [table.scrollWidth - box.clientWidth, Math.ceil(table.getBoundingClientRect().right) - window.innerWidth];
}"""


@pytest.fixture
def history():
    """The demo's 2017 round (20 proposals reviewed) in the office's decision stage, and the office's account."""
    from demo.cli import load_demo

    round, _next = load_demo(through_plan=False)
    office = make_user(role="office", username="office.chen", display_name="陈静")
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    return round


def test_the_office_sees_every_column_and_decides_the_rest_below_the_cut_line(open_tab, history):
    album = Album("ranking")
    page = album.watch(open_tab("desktop"))
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "office.chen")
    page.goto(f"/rounds/{history.id}/ranking")
    assert max(page.evaluate(CUT_OFF)) <= 0
    album.shoot(page, "ranking")

    page.locator("#cut_line").fill("10")  # the demo drew it at 11
    page.get_by_role("button", name="划定分数线").click()
    expect(page.get_by_text("分数线划在第 10 名之下")).to_be_visible()
    expect(page.locator("table.ranking tr.cut")).to_have_count(1)
    assert max(page.evaluate(CUT_OFF)) <= 0
    album.shoot(page, "cut-line")

    rows = page.locator("table.ranking tbody tr")
    for row in (0, 1):
        rows.nth(row).get_by_role("checkbox").check()
    page.locator("#action").select_option(label="确定为重点改革项目")
    page.locator("#reason").fill("排名前列，问题导向突出")
    page.get_by_role("button", name="对勾选的项目执行…").click()
    expect(page.get_by_text("将对 2 个项目记录“确定为重点改革项目”。")).to_be_visible()
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("已对 2 个项目记录“确定为重点改革项目”")).to_be_visible()
    page.get_by_role("link", name="← 评审排名").click()

    page.locator("#reason").fill("得分在分数线以下，暂不列入年度计划")
    page.get_by_role("button", name="分数线以下其余 10 个项目设为未入选…").click()
    expect(page.get_by_text("将对 10 个项目记录“未入选”。")).to_be_visible()
    album.shoot(page, "confirmation")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("已对 10 个项目记录“未入选”")).to_be_visible()
    album.shoot(page, "summary")
    decided = sorted(s.decision.value for s in screenings(history.id).values() if s.decision)
    assert decided == ["not_selected"] * 10 + ["selected"] * 2
    assert album.errors == [] and album.sideways == {}
