"""A round publishes several plans (lists), e.g. Jinwan's 工作要点 and 点题: each with its own title, projects,
approval and publication; the selection goes into the plan the office drafts from it."""

from datetime import date

import pytest

from dashboard.queries import plan_progress
from plan import queries
from plan.errors import PlanError
from plan.models import PlanStatus
from plan.services import key_projects
from plan.services import plans as services
from tests.factories import make_unit

WORK_POINTS = "区委全面深化改革委员会2023年工作要点"
TOPICS = "2023年改革攻坚“点题”项目"


def publish(plan, office):
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office, plan=plan, target=target, meeting="区委深改委会议", approved_on=date(2023, 7, 1)
        )


def test_the_selection_goes_into_the_plan_drafted_from_it_and_only_once(planning):
    office, round = planning["office"], planning["round"]
    handed_down = services.create_plan(actor=office, round=round, title=WORK_POINTS, from_selection=False)
    topics = services.create_plan(actor=office, round=round, title=TOPICS)
    again = services.create_plan(actor=office, round=round, title="补充项目")
    assert (len(handed_down.projects), len(topics.projects), len(again.projects)) == (0, 3, 0)
    assert [p.title for p in queries.plans_of(round.id)] == [WORK_POINTS, TOPICS, "补充项目"]


def test_two_plans_of_a_round_cannot_share_a_title_nor_go_without_one(planning):
    office, round = planning["office"], planning["round"]
    services.create_plan(actor=office, round=round, title=TOPICS)
    with pytest.raises(PlanError, match="plan_exists"):
        services.create_plan(actor=office, round=round, title=f" {TOPICS} ")
    with pytest.raises(PlanError, match="field_required"):
        services.create_plan(actor=office, round=round, title="  ")
    assert len(queries.plans_of(round.id)) == 1


def test_each_plan_is_published_on_its_own_and_the_public_lists_every_one(planning, client):
    office, round = planning["office"], planning["round"]
    unit = make_unit(name="区发改局")
    handed_down = services.create_plan(actor=office, round=round, title=WORK_POINTS, from_selection=False)
    key_projects.add_key_project(
        actor=office, plan=handed_down, fields={"title": "国资国企改革", "lead_leader": "", "lead_unit_id": unit.id}
    )
    with pytest.raises(PlanError, match="project_incomplete"):  # today's rule: a lead leader for 送审稿
        publish(handed_down, office)
    key_projects.update_key_project(
        actor=office,
        project=handed_down.projects[0],
        fields={"title": "国资国企改革", "lead_leader": "高自民", "lead_unit_id": unit.id},
    )
    publish(handed_down, office)
    topics = services.create_plan(actor=office, round=round, title=TOPICS)
    assert topics.status is PlanStatus.draft and handed_down.status is PlanStatus.published
    page = client.get("/plans").get_data(as_text=True)
    assert WORK_POINTS in page and TOPICS not in page  # a draft stays with the office
    for project in topics.projects:
        key_projects.update_key_project(
            actor=office,
            project=project,
            fields={"title": project.title, "lead_leader": "戴斌", "lead_unit_id": project.lead_unit_id},
        )
    publish(topics, office)
    page = client.get("/plans").get_data(as_text=True)
    assert WORK_POINTS in page and TOPICS in page
    # The dashboard follows every key project of the round, each under its plan's name.
    assert [project.plan.title for project, _report in plan_progress(round.id)] == [WORK_POINTS] + [TOPICS] * 3


def test_the_office_adds_a_plan_from_the_plan_page_and_reads_each_under_its_tab(planning, client):
    office, round = planning["office"], planning["round"]
    client.login(office)
    page = client.get(f"/rounds/{round.id}/plan").get_data(as_text=True)
    assert f'action="/rounds/{round.id}/plan"' in page  # no plan yet: the form to draft one
    refused = client.post(f"/rounds/{round.id}/plan", data={"title": "", "from_selection": "y"})
    assert refused.status_code == 400 and queries.plans_of(round.id) == []
    response = client.post(f"/rounds/{round.id}/plan", data={"title": TOPICS, "from_selection": "y"})
    [topics] = queries.plans_of(round.id)
    assert response.headers["Location"].endswith(f"/rounds/{round.id}/plans/{topics.id}")
    client.post(f"/rounds/{round.id}/plan", data={"title": WORK_POINTS})
    handed_down = next(plan for plan in queries.plans_of(round.id) if plan.title == WORK_POINTS)
    assert handed_down.projects == [] and len(topics.projects) == 3
    page = client.get(f"/rounds/{round.id}/plans/{handed_down.id}").get_data(as_text=True)
    assert f"<h1>{WORK_POINTS}</h1>" in page
    assert f'href="/rounds/{round.id}/plans/{topics.id}"' in page  # the other plan's tab
    assert client.get(f"/rounds/{round.id + 1000}/plans/{handed_down.id}").status_code == 404
    assert client.get(f"/rounds/{round.id}/plans/{handed_down.id + 1000}").status_code == 404
    assert len(queries.plans_of(round.id)) == 2
