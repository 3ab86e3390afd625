"""A plan's parts (板块), its numbering, who leads its projects, whether 送审稿 needs lead leaders, moving a project to
a place, and importing a plan's projects from Excel."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import Workbook, load_workbook

from accounts.models import UnitKind
from extensions import db
from plan.errors import PlanError
from plan.models import Numbering, PlanStatus
from plan.services import key_projects, parts
from plan.services import plans as services
from tests.factories import make_unit, make_user


def _sheet(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _lead(plan, office, *, leader="高自民"):
    for project in plan.projects:
        fields = {"title": project.title, "lead_unit_id": project.lead_unit_id, "part_id": project.part_id}
        key_projects.update_key_project(actor=office, project=project, fields=fields | {"lead_leader": leader})


def test_a_new_plans_parts_are_its_rounds_categories_and_numbering_can_start_afresh_in_each(planning):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    assert [part.title for part in plan.parts] == ["社会管理", "民生事业"]
    assert {project.part.title for project in plan.projects} == {"社会管理"}
    livelihood = plan.parts[1]
    first, second, third = plan.projects
    key_projects.update_key_project(
        actor=office, project=second, fields={"title": second.title, "part_id": livelihood.id}
    )
    # The project joins its new part: the parts' order makes the plan's.
    assert [(p.part.title, p.number) for p in plan.projects] == [
        ("社会管理", "一"),
        ("社会管理", "二"),
        ("民生事业", "三"),
    ]
    services.set_plan_layout(actor=office, plan=plan, numbering=Numbering.within_parts, requires_lead_leader=True)
    assert [(p.title, p.number) for p in plan.projects] == [
        (first.title, "一"),
        (third.title, "二"),
        (second.title, "一"),
    ]
    parts.move_plan_part(actor=office, part=livelihood, offset=-1)
    assert [p.title for p in plan.projects] == [second.title, first.title, third.title]


def test_the_office_keeps_the_parts_on_the_plan_page_and_a_part_is_deleted_only_empty(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    social, livelihood = plan.parts
    client.post(f"/plans/{plan.id}/parts", data={"title": "破解难题"})
    client.post(f"/plan-parts/{livelihood.id}/rename", data={"title": "民生提升"})
    refused = client.post(f"/plan-parts/{social.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "Move the part" in refused or "移到其他板块" in refused
    client.post(f"/plan-parts/{livelihood.id}/delete")
    assert [part.title for part in plan.parts] == ["社会管理", "破解难题"]
    with pytest.raises(PlanError, match="part_title_required"):
        parts.add_plan_part(actor=office, plan=plan, title="  ")
    page = client.get(f"/rounds/{plan.round_id}/plan").get_data(as_text=True)
    assert '<th colspan="8" scope="rowgroup">社会管理</th>' in page
    assert 'id="new-part"' in page and '<option value="continuous" selected>全计划连续编号</option>' in page


def test_a_project_moves_to_the_place_typed_and_a_place_outside_its_part_is_refused(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    first, second, third = plan.projects
    client.post(f"/key-projects/{first.id}/move", data={"to_position": "3"})
    assert [p.title for p in plan.projects] == [second.title, third.title, first.title]
    page = client.get(f"/rounds/{plan.round_id}/plan").get_data(as_text=True)
    assert f'id="to{first.id}" name="to_position" type="number" min="1" max="3" value="3"' in page
    assert 'class="sortable"' in page and 'draggable="true"' in page
    refused = client.post(f"/key-projects/{first.id}/move", data={"to_position": "9"}, follow_redirects=True)
    assert "1 到 3" in refused.get_data(as_text=True) or "from 1 to 3" in refused.get_data(as_text=True)
    assert [p.title for p in plan.projects] == [second.title, third.title, first.title]


def test_whether_submitting_needs_a_lead_leader_follows_the_plans_setting(planning):
    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    with pytest.raises(PlanError, match="project_incomplete"):
        services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    services.set_plan_layout(actor=office, plan=plan, numbering=plan.numbering, requires_lead_leader=False)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    assert plan.status is PlanStatus.submitted_for_review
    with pytest.raises(PlanError, match="plan_not_draft"):
        services.set_plan_layout(actor=office, plan=plan, numbering=Numbering.continuous, requires_lead_leader=True)


def test_who_leads_is_counted_by_kind_of_unit_on_the_plan_pages_the_document_and_the_dashboard(
    client, login_as, planning
):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    town = make_unit(name="红旗镇", kind=UnitKind.subdistrict)
    last = plan.projects[-1]
    key_projects.update_key_project(actor=office, project=last, fields={"title": last.title, "lead_unit_id": town.id})
    _lead(plan, office)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(actor=office, plan=plan, target=target, meeting="会议", approved_on=date(2023, 7, 1))
    counts = "区直单位牵头 2 项、街道/镇牵头 1 项"
    for url in (f"/rounds/{plan.round_id}/plan", f"/plans/{plan.id}", f"/plans/{plan.id}/print"):
        page = client.get(url).get_data(as_text=True)
        assert counts in page, url
        assert "社会管理" in page
    text = [p.text for p in Document(io.BytesIO(client.get(f"/plans/{plan.id}/plan.docx").data)).paragraphs]
    assert "其中区直单位牵头2项、各镇（街道）牵头1项。" in text and "社会管理" in text
    dashboard = client.get(f"/rounds/{plan.round_id}/dashboard").get_data(as_text=True)
    assert 'id="plan-leads"' in dashboard and "社会管理 · 一、" in dashboard


def test_a_plan_with_parts_is_exported_to_excel_a_sheet_a_part(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    livelihood = plan.parts[1]
    last = plan.projects[-1]
    fields = {"title": last.title, "part_id": livelihood.id, "lead_unit_id": last.lead_unit_id}
    key_projects.update_key_project(actor=office, project=last, fields=fields)
    summary = load_workbook(io.BytesIO(client.get(f"/plans/{plan.id}/summary.xlsx").data))
    assert summary.sheetnames == ["社会管理", "民生事业"]
    social, livelihood_sheet = summary.worksheets
    assert social["A1"].value == f"{plan.title} · 重点改革项目 · 社会管理"
    assert [row[2] for row in social.iter_rows(min_row=4, max_row=5, values_only=True)] == [
        project.title for project in plan.projects[:2]
    ]
    assert livelihood_sheet["C4"].value == last.title and livelihood_sheet["A5"].value == "本表 1 条，共 3 条"
    progress = client.get(f"/plans/{plan.id}/progress?quarter=1&export=xlsx")
    assert load_workbook(io.BytesIO(progress.data)).sheetnames == ["社会管理", "民生事业"]


def test_projects_come_from_a_sheet_all_or_none_with_each_bad_row_named(client, login_as, planning):
    office = login_as("office")
    plan = services.create_plan(actor=office, round=planning["round"])
    leader = make_user(role="leader", display_name="戴斌")
    make_unit(name="区发展和改革局")
    make_unit(name="区财政局")
    make_unit(name="红旗镇", kind=UnitKind.subdistrict)
    template = client.get(f"/plans/{plan.id}/projects/import-template.xlsx")
    header = next(load_workbook(io.BytesIO(template.data)).active.values)
    assert header[:3] == ("板块", "项目名称", "改革领域") and "配合单位" in header and "年底节点目标" in header
    columns = ["板块", "项目名称", "牵头区领导", "牵头单位", "配合单位", "一季度节点目标"]
    bad = [
        columns,
        ["经济提升", "拿地即开工", "", "区发展和改革局", "区财政局、不存在局", ""],
        ["", "", "", "红旗镇", "", ""],
    ]
    refused = client.post(
        f"/plans/{plan.id}/projects/import", data={"file": (io.BytesIO(_sheet(bad)), "list.xlsx")}
    ).get_data(as_text=True)
    assert "不存在局" in refused and "项目名称" in refused
    db.session.expire_all()
    assert len(plan.projects) == 3 and [part.title for part in plan.parts] == ["社会管理", "民生事业"]
    good = [
        columns,
        ["经济提升", "建立健全开发区供热企业定价机制", "戴斌", "区发展和改革局", "区财政局", "完成成本调查"],
        ["破解难题", "整治低效用地", "高自民", "红旗镇", "", ""],
        ["经济提升", "拿地即开工", "", "区发展和改革局", "", ""],
    ]
    done = client.post(f"/plans/{plan.id}/projects/import", data={"file": (io.BytesIO(_sheet(good)), "list.xlsx")})
    assert done.status_code == 302
    db.session.expire_all()
    assert [part.title for part in plan.parts] == ["社会管理", "民生事业", "经济提升", "破解难题"]
    titles = [(p.part.title, p.title) for p in plan.projects][3:]
    assert titles == [
        ("经济提升", "建立健全开发区供热企业定价机制"),
        ("经济提升", "拿地即开工"),
        ("破解难题", "整治低效用地"),
    ]
    heating = plan.projects[3]
    assert heating.lead_leader_account == leader and [u.name for u in heating.cooperating_units] == ["区财政局"]
    assert heating.milestones[0].target == "完成成本调查"
    assert plan.projects[5].lead_leader == "高自民" and plan.projects[5].lead_unit.name == "红旗镇"
