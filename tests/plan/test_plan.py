"""The plan: drafted from the selected proposals, numbered, moved through approval, versioned, exported."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from accounts import queries as accounts_queries
from extensions import db
from plan import queries
from plan.errors import PlanError
from plan.models import PlanStatus, PlanVersion
from plan.numerals import chinese_number
from plan.services import key_projects
from plan.services import plans as services
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.conftest import statements_run
from tests.factories import make_open_round, make_unit, make_user
from tests.plan.conftest import lead_everything


def test_chinese_numbers_as_official_documents_write_them():
    assert [chinese_number(n) for n in (1, 2, 10, 11, 19, 20, 21, 99)] == [
        "一",
        "二",
        "十",
        "十一",
        "十九",
        "二十",
        "二十一",
        "九十九",
    ]


def test_the_plan_is_drafted_from_the_selected_proposals_with_their_text(planning):
    office, round, proposals = planning["office"], planning["round"], planning["proposals"]
    plan = services.create_plan(actor=office, round=round)
    assert [p.title for p in plan.projects] == [p.title for p in proposals[:3]]
    assert [p.number for p in plan.projects] == ["一", "二", "三"]
    first = plan.projects[0]
    assert (first.proposal, first.problem, first.lead_unit_id) == (
        proposals[0],
        proposals[0].background,
        proposals[0].unit_id,
    )
    with pytest.raises(PlanError, match="plan_exists"):
        services.create_plan(actor=office, round=round)


def test_a_plan_waits_for_the_planning_stage(planning):
    with pytest.raises(PlanError, match="round_not_planning"):
        services.create_plan(actor=planning["office"], round=make_open_round())


def test_projects_are_renumbered_when_moved_added_or_removed(planning):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    first, second, third = plan.projects
    key_projects.move_key_project(actor=office, project=third, to_position=2)
    assert [(p.number, p.title) for p in plan.projects] == [
        ("一", first.title),
        ("二", third.title),
        ("三", second.title),
    ]
    with pytest.raises(PlanError, match="cannot_move"):
        key_projects.move_key_project(actor=office, project=first, to_position=4)
    city = key_projects.add_key_project(
        actor=office, plan=plan, fields={"title": "推进基础设施供给侧结构性改革", "origin": "市级改革试点任务"}
    )
    assert city.number == "四" and city.proposal is None
    key_projects.remove_key_project(actor=office, project=first)
    assert [p.number for p in plan.projects] == ["一", "二", "三"] and plan.projects[-1] == city


def test_the_plan_moves_to_approval_with_its_meeting_and_keeps_a_snapshot_of_each_move(planning):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    with pytest.raises(PlanError, match="project_incomplete"):
        services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    lead_everything(plan, office)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    with pytest.raises(PlanError, match="plan_not_draft"):
        key_projects.update_key_project(actor=office, project=plan.projects[0], fields={"title": "改名"})
    with pytest.raises(PlanError, match="meeting_required"):
        services.transition_plan(actor=office, plan=plan, target=PlanStatus.approved)
    with pytest.raises(PlanError, match="transition_not_allowed"):
        services.transition_plan(actor=office, plan=plan, target=PlanStatus.published)
    services.transition_plan(
        actor=office,
        plan=plan,
        target=PlanStatus.approved,
        meeting="区委全面深化改革领导小组第十三次会议",
        approved_on=date(2017, 3, 1),
    )
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.published)
    statuses = [v.status for v in db.session.scalars(select(PlanVersion).order_by(PlanVersion.id))]
    assert statuses == [PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published]
    with pytest.raises(PlanError, match="office_only"):
        services.transition_plan(actor=make_user(role="leader"), plan=plan, target=PlanStatus.draft)


def test_a_published_plan_changes_only_through_a_new_version_and_the_public_keeps_the_published_one(client, planning):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    published = queries.published_version(plan.id)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.draft)
    assert (plan.version, plan.status, plan.meeting) == (2, PlanStatus.draft, "")
    first = plan.projects[0]
    key_projects.update_key_project(
        actor=office,
        project=first,
        fields={"title": "推进网格管理标准化（修订）", "lead_leader": "戴斌", "lead_unit_id": first.lead_unit_id},
    )
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)  # no login
    assert "推进网格管理标准化" in page and "（修订）" not in page and "高自民" in page
    rows = queries.changes(published.snapshot, queries.plan_snapshot(plan))
    assert ("一、推进网格管理标准化（修订）", "title", "推进网格管理标准化", "推进网格管理标准化（修订）") in rows
    assert ("一、推进网格管理标准化（修订）", "lead_leader", "高自民", "戴斌") in rows


def test_an_unpublished_plan_has_no_public_page(client, planning):
    plan = services.create_plan(actor=planning["office"], round=planning["round"])
    assert client.get(f"/plans/{plan.id}").status_code == 404
    assert "尚未发布" in client.get("/plans").get_data(as_text=True)


def test_the_office_edits_a_project_with_milestones_and_exports_the_summary(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    project = plan.projects[0]
    unit = make_unit(name="区政务办")
    data = {
        "title": project.title,
        "problem": "为解决网格事项多而杂的问题",
        "content": "系统性规范网格化管理全流程",
        "lead_leader": "高自民",
        "lead_unit_id": str(unit.id),
        "cooperating_unit_ids": [str(project.lead_unit_id)],
        "milestone_1": "完成方案制定",
        "milestone_4": "全区推广",
        "lock_version": project.lock_version,
    }
    assert client.post(f"/key-projects/{project.id}/edit", data=data).status_code == 302
    db.session.refresh(project)
    assert {m.quarter: m.target for m in project.milestones} == {1: "完成方案制定", 4: "全区推广"}
    refused = client.post(f"/key-projects/{project.id}/edit", data=data | {"title": ""})
    assert refused.status_code == 400 and "为解决网格事项多而杂的问题" in refused.get_data(as_text=True)
    sheet = client.get(f"/plans/{plan.id}/summary.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"{plan.title} · 重点改革项目 · 社会管理"  # the sheet of the project's part
    assert rows[3][1:5] == ("一", project.title, "高自民", "区政务办")
    printed = client.get(f"/plans/{plan.id}/print").get_data(as_text=True)
    assert f"一、{project.title}" in printed and "为解决网格事项多而杂的问题，系统性规范网格化管理全流程" in printed


def test_the_office_approves_from_the_page_and_a_missing_meeting_keeps_the_form(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    client.post(
        f"/plans/{plan.id}/transition", data={"target": "submitted_for_review", "lock_version": plan.lock_version}
    )
    approval = {"target": "approved", "approved_on": "2017-03-01", "lock_version": plan.lock_version}
    refused = client.post(f"/plans/{plan.id}/transition", data=approval)
    assert refused.status_code == 400 and "2017-03-01" in refused.get_data(as_text=True)
    client.post(f"/plans/{plan.id}/transition", data=approval | {"meeting": "第十三次会议"})
    assert plan.status is PlanStatus.approved and plan.meeting == "第十三次会议"
    compare = client.get(f"/plans/{plan.id}/compare").get_data(as_text=True)
    assert "没有差异" in compare


@pytest.mark.parametrize("role, status", [("leader", 200), ("unit_staff", 403), ("expert", 403)])
def test_leaders_read_the_plan_and_units_and_experts_do_not(client, login_as, planning, role, status):
    plan = services.create_plan(actor=planning["office"], round=planning["round"])
    login_as(role)
    assert client.get(f"/rounds/{planning['round'].id}/plan").status_code == status
    assert client.get(f"/plans/{plan.id}/print").status_code == status


def test_the_word_document_reads_as_the_official_plan(client, login_as, planning):
    from docx import Document

    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    first = plan.projects[0]
    key_projects.update_key_project(
        actor=office,
        project=first,
        fields={
            "title": "推进网格管理标准化",
            "problem": "为解决网格业务涉及事项多而杂等问题",
            "content": "系统性规范网格化管理全流程。",
            "lead_leader": "高自民",
            "lead_unit_id": first.lead_unit_id,
        },
    )
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office,
            plan=plan,
            target=target,
            meeting="区委全面深化改革领导小组第十三次会议",
            approved_on=date(2017, 3, 1),
        )
    client.post("/logout")
    response = client.get(f"/plans/{plan.id}/published.docx")  # the public's copy
    assert response.status_code == 200
    paragraphs = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    title = paragraphs.index(plan.title)
    assert paragraphs[title + 1] == "（2017年3月1日区委全面深化改革领导小组第十三次会议审议通过）"
    assert "一、推进网格管理标准化。为解决网格业务涉及事项多而杂等问题，系统性规范网格化管理全流程。" in paragraphs
    assert sum(text.startswith("牵头区领导：高自民；牵头单位：") for text in paragraphs) == 3
    assert client.get(f"/plans/{plan.id}/plan.docx").status_code == 302  # the working copy needs a login


def test_the_plan_page_reads_its_projects_in_the_same_queries_however_many_there_are(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    unit = make_unit(name="区政务办")
    key_projects.add_key_project(
        actor=office,
        plan=plan,
        fields={"title": "推进基础设施供给侧结构性改革", "lead_unit_id": unit.id},
        milestones={1: "方案"},
    )
    page = f"/rounds/{planning['round'].id}/plan"
    fewer = statements_run(lambda: client.get(page))
    for title in ("深化商事制度改革", "推进智慧城市建设", "创新社区治理模式"):
        key_projects.add_key_project(actor=office, plan=plan, fields={"title": title, "lead_unit_id": unit.id})
    shown = client.get(page).get_data(as_text=True)
    assert "创新社区治理模式" in shown and "区政务办" in shown
    assert statements_run(lambda: client.get(page)) == fewer


def test_the_office_still_reads_the_history_of_a_removed_key_project(client):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=round, target=status)
    plan = services.create_plan(actor=office, round=round)
    project = key_projects.add_key_project(actor=office, plan=plan, fields={"title": "推进网格管理标准化"})
    project_id = project.id
    key_projects.remove_key_project(actor=office, project=project)

    events = db.session.scalars(accounts_queries.audit_events(office, object_type="KeyProject", object_id=project_id))
    assert [event.action for event in events] == ["key_project.delete", "key_project.create"]
    client.login(office)
    page = client.get("/audit", query_string={"object_type": "KeyProject", "object_id": project_id})
    assert f"重点改革项目 #{project_id}" in page.get_data(as_text=True)
