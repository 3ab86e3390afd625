"""The whole yearly cycle in a real browser, in Chinese, on a phone and on a desktop, with a screenshot a step.

A resident sends a suggestion and looks it up; a unit proposes; the office assigns an expert, who scores
the proposal; the office ranks, selects, drafts, approves and publishes the plan; the resident sees the
outcome. The screenshots are in test-artifacts/browser/<viewport>/.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import UnitKind
from core import clock
from review.services.criteria import apply_standard_criteria
from tests.browser.conftest import VIEWPORTS, Album, log_in
from tests.factories import make_open_round, make_unit, make_user


@pytest.fixture
def district():
    """The accounts and the open round that the cycle starts from (not the point of the test)."""
    office = make_user(role="office", username="office", display_name="李明")
    unit = make_unit(name="区政务办", kind=UnitKind.department)
    make_user(role="unit_staff", username="unit.zhengwuban", display_name="张伟", unit=unit)
    make_user(role="expert", username="expert.liu", display_name="刘教授")
    year = clock.today().year + 1
    round = make_open_round(year=year, title=f"龙岗区{year}年改革计划", categories=("政府职能转变", "民生事业"))
    apply_standard_criteria(actor=office, round=round)
    return round


def open_menu_item(page, name: str) -> None:
    """Follow a link of the header's navigation, opening the phone's menu first where it is folded."""
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def move_round_on(page, phase: str) -> None:
    """Move the round on from its page: the move first says what it will do, and is made once confirmed."""
    page.get_by_role("link", name=f"进入“{phase}”阶段").click()
    page.get_by_label("我已了解此次变更的影响").check()
    page.get_by_role("button", name=f"进入“{phase}”阶段").click()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_suggestion_becomes_a_published_key_project(open_tab, district, viewport):
    album = Album(viewport)
    round_title = district.title

    # A resident sends a suggestion from the home page, without an account.
    resident = album.watch(open_tab(viewport))
    resident.goto("/")
    album.shoot(resident, "home")
    resident.get_by_role("link", name="提建议").first.click()
    resident.locator("#title").fill("建议企业开办全流程网上办理")
    resident.locator("#content").fill("办理企业开办手续仍需多次跑腿，建议营业执照、刻章、税务登记一网通办，当天办结。")
    resident.locator("#category_id").select_option(label="政府职能转变")
    resident.locator("#location").fill("龙城街道")
    album.shoot(resident, "suggestion-form")
    resident.get_by_role("button", name="提交").click()
    expect(resident.get_by_text("您的查询码：")).to_be_visible()
    code = resident.locator("strong.code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    album.shoot(resident, "suggestion-sent")

    # Later, from another tab, the resident looks it up with the tracking code.
    resident = album.watch(open_tab(viewport))
    resident.goto("/")
    open_menu_item(resident, "查询建议办理情况")
    resident.get_by_label("查询码").fill(code.lower().replace("-", " "))
    resident.get_by_role("button", name="查询").click()
    found = resident.get_by_role("region", name="建议企业开办全流程网上办理")
    expect(found).to_contain_text("已收到")
    album.shoot(resident, "suggestion-looked-up")

    # The unit's staff log in and submit a proposal.
    unit = album.watch(open_tab(viewport))
    log_in(unit, "unit.zhengwuban")
    album.shoot(unit, "unit-home")
    unit.get_by_role("link", name="本单位申报项目").click()
    unit.get_by_role("link", name="新建申报项目").click()
    unit.locator("#title").fill("推进企业开办“一网通办”改革")
    unit.locator("#category_id").select_option(label="政府职能转变")
    unit.locator("#background").fill("为解决企业开办环节多、材料多、跑腿多的问题。")
    unit.locator("#content").fill("整合营业执照、公章刻制、税务登记、社保登记，一表申请、一窗发放。")
    unit.locator("#innovation").fill("在全市率先实现企业开办一日办结。")
    unit.locator("#goals").fill("企业开办时间压缩到1个工作日以内。")
    unit.locator("#contact_name").fill("张伟")
    unit.locator("#contact_phone").fill("0755-28900000")
    album.shoot(unit, "proposal-form")
    unit.get_by_role("button", name="保存并提交").click()
    expect(unit.locator(".page-head .badge")).to_have_text("已提交")
    album.shoot(unit, "proposal-submitted")

    # The office takes the suggestion up and links it to the proposal.
    office = album.watch(open_tab(viewport))
    log_in(office, "office")
    open_menu_item(office, "征集轮次")
    office.get_by_role("link", name=round_title).click()
    office.get_by_role("link", name="群众建议 →").click()
    office.get_by_role("link", name="建议企业开办全流程网上办理").click()
    office.get_by_role("button", name="受理", exact=True).click()
    office.get_by_label("推进企业开办“一网通办”改革").check()
    office.get_by_role("button", name="保存关联").click()
    expect(office.locator("dl.facts")).to_contain_text("推进企业开办“一网通办”改革")
    album.shoot(office, "suggestion-triaged")

    # The office opens the review, assigns the expert and publishes the assignment.
    open_menu_item(office, "征集轮次")
    office.get_by_role("link", name=round_title).click()
    move_round_on(office, "评审中")
    expect(office.locator("ol.steps [aria-current=step]")).to_have_text("评审中")
    office.get_by_role("link", name="专家评审分配 →").click()
    proposal_row = office.locator("tr[id^=p]", has_text="推进企业开办")  # the row of the table of proposals
    proposal_row.get_by_label("专家", exact=True).select_option(label="刘教授 (0)")
    proposal_row.get_by_role("button", name="分配").click()
    office.get_by_role("button", name="发布1项新的评审分配").click()
    expect(proposal_row).to_contain_text("待评审")
    album.shoot(office, "expert-assigned")

    # The expert scores the proposal.
    expert = album.watch(open_tab(viewport))
    log_in(expert, "expert.liu")
    open_menu_item(expert, "我的评审")
    album.shoot(expert, "my-reviews")
    expert.get_by_role("link", name="推进企业开办“一网通办”改革").click()
    for index, score in enumerate(["10", "10", "5", "10", "5"]):
        expert.locator("select[id^=score_]").nth(index).select_option(score)
    expert.locator("#comment").fill("问题找得准，措施可操作，建议在全区推广。")
    expert.locator("#recommendation").select_option("recommend")
    expert.locator("#familiarity").select_option("high")
    album.shoot(expert, "review-form")
    expert.get_by_role("button", name="提交", exact=True).click()
    expect(expert.locator("table")).to_contain_text("已提交")
    album.shoot(expert, "review-submitted")

    # The office moves the review to its decision, reads the ranking and selects the proposal.
    open_menu_item(office, "征集轮次")
    office.get_by_role("link", name=round_title).click()
    office.get_by_role("link", name="评审进度 →").click()
    office.get_by_role("button", name="进入“专家合议”").click()
    office.get_by_role("button", name="进入“改革办决定”").click()
    expect(office.locator("ol.stages [aria-current=step]")).to_contain_text("改革办决定")
    album.shoot(office, "review-stages")
    office.get_by_role("link", name="评审排名").first.click()
    ranking_row = office.locator("tr", has_text="推进企业开办")
    expect(ranking_row).to_contain_text("80.0")
    album.shoot(office, "ranking")
    ranking_row.get_by_role("link", name="推进企业开办“一网通办”改革").click()
    office.get_by_role("button", name="入围").click()
    office.locator("#decision").select_option("selected")
    office.get_by_role("button", name="保存办理结果").click()
    expect(office.locator("#screening")).to_contain_text("确定为重点改革项目")
    album.shoot(office, "proposal-selected")
    office.get_by_role("link", name="← 评审排名").click()
    office.get_by_role("button", name="发布待发布的结果").click()
    album.shoot(office, "decisions-published")

    # The office drafts the plan, names the lead leader and unit, and takes it through approval to publication.
    open_menu_item(office, "征集轮次")
    office.get_by_role("link", name=round_title).click()
    move_round_on(office, "计划编制")
    office.get_by_role("link", name="改革计划 →").click()
    office.get_by_role("button", name="起草改革计划").click()
    album.shoot(office, "plan-drafted")
    office.locator("tr", has_text="推进企业开办").get_by_role("link", name="编辑").click()
    office.locator("#lead_leader").fill("戴斌")
    office.locator("#lead_unit_id").select_option(label="区政务办")
    office.locator("#milestone_1").fill("出台企业开办一网通办实施方案。")
    album.shoot(office, "key-project-form")
    office.get_by_role("button", name="保存", exact=True).click()
    expect(office.locator("tr", has_text="推进企业开办")).to_contain_text("戴斌")
    office.get_by_role("button", name="报送审议（送审稿）").click()
    office.get_by_role("textbox", name="会议", exact=True).fill("区委全面深化改革领导小组第十三次会议")
    office.get_by_label("会议日期").fill(clock.today().isoformat())
    album.shoot(office, "plan-submitted-for-review")
    office.get_by_role("button", name="记录审议通过").click()
    office.get_by_role("button", name="发布", exact=True).click()
    expect(office.locator(".lead .badge")).to_have_text("已发布")
    album.shoot(office, "plan-published")

    # The resident reads the published plan, and sees on the tracking page what the suggestion became.
    resident.goto("/")
    open_menu_item(resident, "改革计划")
    resident.get_by_role("link", name=re.compile(round_title)).click()
    expect(resident.get_by_role("main")).to_contain_text("推进企业开办“一网通办”改革")
    expect(resident.get_by_role("main")).to_contain_text("戴斌")
    album.shoot(resident, "public-plan")
    resident.goto(f"/track?code={code}")
    outcome = resident.locator(".adopted")
    expect(outcome).to_contain_text("已成为重点改革项目")
    expect(outcome).to_contain_text("推进企业开办“一网通办”改革")
    expect(outcome).to_contain_text("区政务办")
    album.shoot(resident, "suggestion-outcome")
    assert album.sideways == {}, "the window scrolls sideways"
    assert album.errors == []
