"""A key project's lead district leader (牵头区领导): a leader's account, or a name written for one without."""

import csv
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from accounts import services as accounts
from extensions import db
from plan.errors import PlanError
from plan.models import PlanStatus, ProgressReport, ProgressStatus, Task
from plan.pace import expected_share, is_behind
from plan.services import key_projects, progress
from plan.services import plans as services
from tests.factories import make_user


def test_office_links_a_leader_account_and_the_page_export_and_word_document_show_its_name(client, login_as, planning):
    office = login_as("office")
    leader = make_user(role="leader", display_name="戴斌")
    plan = services.create_plan(actor=office, round=planning["round"])
    project = plan.projects[0]
    form = client.get(f"/key-projects/{project.id}/edit").get_data(as_text=True)
    assert f'<option value="{leader.id}">戴斌</option>' in form
    data = {"title": project.title, "lead_leader_id": str(leader.id), "lead_leader": "", "lock_version": 1}
    data["lead_unit_id"] = str(project.lead_unit_id)
    assert client.post(f"/key-projects/{project.id}/edit", data=data).status_code == 302
    db.session.refresh(project)
    assert project.lead_leader_account == leader and project.lead_leader_name == "戴斌"
    assert "<td>戴斌</td>" in client.get(f"/rounds/{planning['round'].id}/plan").get_data(as_text=True)
    rows = list(load_workbook(io.BytesIO(client.get(f"/plans/{plan.id}/summary.xlsx").data)).active.values)
    assert rows[3][3] == "戴斌"  # below the title, the date and the header; after the part
    paragraphs = [p.text for p in Document(io.BytesIO(client.get(f"/plans/{plan.id}/plan.docx").data)).paragraphs]
    assert any(text.startswith("牵头区领导：戴斌；") for text in paragraphs)


def test_a_leader_without_an_account_is_written_as_text_and_the_plan_goes_for_review_with_either(planning):
    office = planning["office"]
    leader = make_user(role="leader", display_name="戴斌")
    plan = services.create_plan(actor=office, round=planning["round"])
    for index, project in enumerate(plan.projects):
        fields = {"title": project.title, "lead_unit_id": project.lead_unit_id}
        fields |= {"lead_leader_id": leader.id} if index == 0 else {"lead_leader": "高自民"}
        key_projects.update_key_project(actor=office, project=project, fields=fields)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    assert [p.lead_leader_name for p in plan.projects] == ["戴斌", "高自民", "高自民"]


@pytest.mark.parametrize("who", ["unit_staff", "office", "deactivated leader"])
def test_office_cannot_choose_an_account_that_is_not_an_active_leader(planning, who):
    office = planning["office"]
    account = make_user(role="leader" if who == "deactivated leader" else who)
    if who == "deactivated leader":
        accounts.set_user_active(actor=office, user=account, active=False)
    plan = services.create_plan(actor=office, round=planning["round"])
    project = plan.projects[0]
    with pytest.raises(PlanError) as refused:
        key_projects.update_key_project(
            actor=office, project=project, fields={"title": "改名", "lead_leader_id": account.id}
        )
    assert refused.value.field == "lead_leader_id"
    db.session.refresh(project)
    assert project.lead_leader_id is None and project.title != "改名"


def test_a_refused_leader_keeps_what_the_office_typed(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    project = plan.projects[0]
    data = {"title": "推进网格管理标准化（修订）", "lead_leader_id": str(office.id), "lead_leader": "高自民"}
    refused = client.post(f"/key-projects/{project.id}/edit", data=data | {"lock_version": 1})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "推进网格管理标准化（修订）" in page and 'value="高自民"' in page


def test_a_linked_leader_later_deactivated_stays_on_the_project_when_it_is_edited(planning):
    office = planning["office"]
    leader = make_user(role="leader", display_name="戴斌")
    plan = services.create_plan(actor=office, round=planning["round"])
    project = plan.projects[0]
    key_projects.update_key_project(actor=office, project=project, fields={"title": "甲", "lead_leader_id": leader.id})
    accounts.set_user_active(actor=office, user=leader, active=False)
    key_projects.update_key_project(actor=office, project=project, fields={"title": "乙", "lead_leader_id": leader.id})
    assert project.title == "乙" and project.lead_leader_name == "戴斌"


def test_leader_opens_the_projects_they_lead_filters_those_behind_and_exports_them(client, planning, published, leader):
    first, second, _third = published.projects
    staff = make_user(role="unit_staff", unit=first.lead_unit)
    values = {"status": ProgressStatus.on_track, "achievements": "完成调研", "submit": True}
    progress.save_report(actor=staff, project=first, quarter=1, percent=10, **values)
    client.login(leader)
    page = client.get("/leading").get_data(as_text=True)
    assert first.title in page and second.title in page and _third.title not in page
    behind = client.get("/leading?behind=yes").get_data(as_text=True)
    assert first.title in behind and second.title not in behind
    assert second.title in client.get("/leading?behind=no").get_data(as_text=True)
    assert "没有符合筛选条件" in client.get(f"/leading?plan={published.id + 1}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/leading?export=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[2] for row in rows[1:]] == [first.title, second.title]
    assert rows[1][5:] == ["10", "25", "正常推进", "是"]


@pytest.mark.parametrize("role", ["office", "unit_staff", "expert"])
def test_only_a_leader_has_a_page_of_the_projects_they_lead(client, login_as, role):
    login_as(role)
    assert client.get("/leading").status_code == 403


def test_the_milestone_share_follows_the_tasks_due_by_the_quarter_or_an_even_pace_without_tasks():
    tasks = [Task(title="调研", weight=30, due_quarter=1), Task(title="推广", weight=70, due_quarter=3)]
    assert [expected_share(tasks, quarter) for quarter in (1, 2, 3, 4)] == [30, 30, 100, 100]
    assert [expected_share([], quarter) for quarter in (1, 2, 3, 4)] == [25, 50, 75, 100]
    report = ProgressReport(quarter=2, percent=40, status=ProgressStatus.on_track)
    assert not is_behind(report, tasks) and is_behind(report, [])
    assert is_behind(ProgressReport(quarter=1, percent=90, status=ProgressStatus.lagging), [])
    assert not is_behind(ProgressReport(quarter=4, percent=80, status=ProgressStatus.completed), [])
