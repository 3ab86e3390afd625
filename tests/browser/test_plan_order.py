"""The office puts a draft plan's key projects in order: by dragging a row to its place in its part, and from the
keyboard by typing a place. The screenshots are in test-artifacts/browser/plan-order/."""

from playwright.sync_api import expect

from plan.services import key_projects
from plan.services import plans as plan_services
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.browser.conftest import Album, log_in
from tests.factories import make_open_round, make_unit, make_user

TITLES = ["工业邻里中心建设", "拿地即开工", "建立健全开发区供热企业定价机制"]


def test_the_office_drags_a_project_to_its_place_and_types_another_ones_place(open_tab):
    office = make_user(role="office", username="office.order")
    round = make_open_round(actor=office, categories=("经济提升", "民生提升"))
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=round, target=status)
    plan = plan_services.create_plan(actor=office, round=round)
    unit = make_unit(name="区发展和改革局")
    for title in TITLES:
        fields = {"title": title, "lead_unit_id": unit.id, "part_id": plan.parts[0].id}
        key_projects.add_key_project(actor=office, plan=plan, fields=fields)
    album = Album("plan-order")
    page = album.watch(open_tab("desktop"))
    log_in(page, "office.order")
    page.goto(f"/rounds/{round.id}/plan")
    rows = page.locator("table.plan-projects tbody.sortable tr[draggable]")
    expect(rows.nth(0)).to_contain_text(TITLES[0])

    rows.nth(2).drag_to(rows.nth(0))  # the heating prices first
    expect(rows.nth(0)).to_contain_text(TITLES[2])
    page.wait_for_load_state()
    expect(page.locator("table.plan-projects tbody.sortable tr[draggable]").nth(0)).to_contain_text(TITLES[2])
    album.shoot(page, "dragged")

    # From the keyboard: the last project's place, typed, then Enter.
    last = page.locator("table.plan-projects tbody.sortable tr[draggable]").nth(2)
    last.get_by_role("spinbutton").fill("1")
    last.get_by_role("spinbutton").press("Enter")
    expect(page.locator("table.plan-projects tbody.sortable tr[draggable]").nth(0)).to_contain_text(TITLES[1])
    titles = page.locator("table.plan-projects tbody.sortable tr[draggable] td:nth-child(2)").all_inner_texts()
    assert [title.splitlines()[0] for title in titles] == [TITLES[1], TITLES[2], TITLES[0]]
    album.shoot(page, "typed")
    assert not album.errors
