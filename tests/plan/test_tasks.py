"""The work plan (任务分解) and what a report carries: tasks rolled up by weight, and files."""

import io
import re

import pytest
from openpyxl import load_workbook

from extensions import db
from plan import queries
from plan.errors import PlanError
from plan.models import ProgressStatus, Task
from plan.services import progress, tasks
from tests.factories import make_user

PDF = "%PDF-1.4\n会议纪要\n%%EOF\n".encode()


def staff_of(project):
    return make_user(role="unit_staff", unit=project.lead_unit)


def add(project, actor, title, weight, due_quarter):
    return tasks.save_task(
        actor=actor,
        project=project,
        title=title,
        weight=weight,
        owner_unit_id=project.lead_unit_id,
        due_quarter=due_quarter,
    )


def report(project, staff, quarter=1, **fields):
    values = {"percent": 0, "status": ProgressStatus.on_track, "achievements": "完成方案制定", "submit": True}
    return progress.save_report(actor=staff, project=project, quarter=quarter, **values | fields)


def test_the_office_and_the_lead_unit_keep_the_tasks_and_no_one_else(planning, published):
    project = published.projects[0]
    add(project, planning["office"], "制定网格划分方案", 20, 1)
    add(project, staff_of(project), "配齐网格员", 50, 2)
    with pytest.raises(PlanError, match="tasks_not_yours"):
        add(project, make_user(role="unit_staff"), "别的单位的任务", 10, 3)
    with pytest.raises(PlanError, match="weight_out_of_range"):
        add(project, planning["office"], "权重为零", 0, 3)
    with pytest.raises(PlanError, match="task_title_required"):
        add(project, planning["office"], "  ", 10, 3)
    db.session.refresh(project)
    assert [(t.title, t.due_quarter) for t in project.tasks] == [("制定网格划分方案", 1), ("配齐网格员", 2)]


def test_the_projects_share_done_rolls_up_from_its_tasks_by_weight(planning, published):
    project = published.projects[0]
    plan_task = add(project, planning["office"], "制定网格划分方案", 20, 1)
    staff_task = add(project, planning["office"], "配齐网格员", 60, 2)
    system_task = add(project, planning["office"], "上线网格管理系统", 20, 4)
    staff = staff_of(project)
    with pytest.raises(PlanError, match="task_percent_missing"):
        report(project, staff, task_percents={plan_task.id: 100})
    sent = report(project, staff, percent=99, task_percents={plan_task.id: 100, staff_task.id: 50, system_task.id: 0})
    assert sent.percent == 50  # (20×100 + 60×50 + 20×0) / 100, whatever was typed as the whole
    assert {row.task_id: row.percent for row in sent.task_progress} == {
        plan_task.id: 100,
        staff_task.id: 50,
        system_task.id: 0,
    }


def test_a_task_with_reported_progress_stays_in_the_work_plan(planning, published):
    project = published.projects[0]
    reported = add(project, planning["office"], "制定网格划分方案", 20, 1)
    spare = add(project, planning["office"], "暂不需要的任务", 10, 4)
    report(project, staff_of(project), task_percents={reported.id: 100, spare.id: 0})
    with pytest.raises(PlanError, match="task_has_progress"):
        tasks.remove_task(actor=planning["office"], task=reported)
    assert db.session.get(Task, reported.id) is not None


def test_the_unit_reports_each_tasks_progress_and_sees_the_overdue_ones(client, planning, published):
    project = published.projects[0]
    first = add(project, planning["office"], "制定网格划分方案", 30, 1)
    second = add(project, planning["office"], "配齐网格员", 70, 3)
    staff = staff_of(project)
    client.login(staff)
    form = client.get(f"/key-projects/{project.id}/progress/1").get_data(as_text=True)
    assert "制定网格划分方案" in form and 'name="percent"' not in form  # rolled up, not typed
    data = {
        f"task_{first.id}": "80",
        f"task_{second.id}": "20",
        "status": "on_track",
        "achievements": "方案已起草",
        "action": "submit",
    }
    refused = client.post(f"/key-projects/{project.id}/progress/1", data=data | {f"task_{second.id}": "120"})
    assert refused.status_code == 400 and "方案已起草" in refused.get_data(as_text=True)
    assert client.post(f"/key-projects/{project.id}/progress/1", data=data).status_code == 302
    sent = queries.report_of(project.id, 1)
    assert sent.percent == 38  # 0.3 × 80 + 0.7 × 20
    page = client.get(f"/progress-reports/{sent.id}").get_data(as_text=True)
    assert "制定网格划分方案" in page and 'class="late"' in page  # due in Q1, at 80 by its end
    # The next quarter's form starts from what was reported.
    client.post(f"/progress-reports/{sent.id}/review", data={"accept": "1"})
    next_form = client.get(f"/key-projects/{project.id}/progress/2").get_data(as_text=True)
    assert re.search(f'name="task_{first.id}"[^>]*value="80"', next_form)


def test_the_tasks_page_lists_latest_progress_and_exports(client, planning, published):
    project = published.projects[0]
    task = add(project, planning["office"], "制定网格划分方案", 30, 1)
    progress.review_report(
        actor=planning["office"], report=report(project, staff_of(project), task_percents={task.id: 60}), accept=True
    )
    client.login(make_user(role="leader"))
    page = client.get(f"/key-projects/{project.id}/tasks")
    assert page.status_code == 200 and "制定网格划分方案" in page.get_data(as_text=True)
    assert 'name="title"' not in page.get_data(as_text=True)  # leaders read; they do not edit
    sheet = load_workbook(io.BytesIO(client.get(f"/key-projects/{project.id}/tasks?export=xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][0] == "制定网格划分方案" and rows[3][1] == 30 and rows[3][-1] == 60  # below title, date, header
    client.login(make_user(role="unit_staff"))
    assert client.get(f"/key-projects/{project.id}/tasks").status_code == 403
    assert client.post(f"/tasks/{task.id}/delete").status_code == 403


def test_the_lead_unit_adds_a_task_from_the_page_and_a_refused_one_keeps_what_was_typed(client, published):
    project = published.projects[0]
    client.login(staff_of(project))
    bad = {"title": "配齐网格员", "weight": "500", "owner_unit_id": str(project.lead_unit_id), "due_quarter": "2"}
    refused = client.post(f"/key-projects/{project.id}/tasks", data=bad)
    assert refused.status_code == 400 and 'value="配齐网格员"' in refused.get_data(as_text=True)
    assert client.post(f"/key-projects/{project.id}/tasks", data=bad | {"weight": "50"}).status_code == 302
    db.session.refresh(project)
    assert [(t.title, t.weight, t.due_quarter) for t in project.tasks] == [("配齐网格员", 50, 2)]


def test_a_report_carries_files_that_only_its_readers_download(client, planning, published):
    project = published.projects[0]
    staff = staff_of(project)
    client.login(staff)
    data = {
        "percent": "30",
        "status": "on_track",
        "achievements": "召开推进会",
        "action": "save",
        "file": (io.BytesIO(PDF), "推进会纪要.pdf"),
    }
    assert (
        client.post(f"/key-projects/{project.id}/progress/1", data=data, content_type="multipart/form-data").status_code
        == 302
    )
    saved = queries.report_of(project.id, 1)
    [file] = saved.attachments
    assert file.filename == "推进会纪要.pdf"
    url = f"/progress-reports/{saved.id}/files/{file.id}"
    assert client.get(url).data == PDF
    client.login(planning["office"])
    assert client.get(url).status_code == 403  # a draft is the unit's until it submits
    client.login(staff)
    submitted = {key: value for key, value in data.items() if key != "file"} | {"action": "submit"}
    assert client.post(f"/key-projects/{project.id}/progress/1", data=submitted).status_code == 302
    client.login(planning["office"])
    assert client.get(url).data == PDF
    client.login(make_user(role="unit_staff"))
    assert client.get(url).status_code == 403
    client.login(make_user(role="expert"))
    assert client.get(f"/progress-reports/{saved.id}").status_code == 403


def test_a_report_refuses_a_disguised_file_and_keeps_the_text(client, published):
    project = published.projects[0]
    client.login(staff_of(project))
    data = {
        "percent": "30",
        "status": "on_track",
        "achievements": "召开推进会",
        "action": "submit",
        "file": (io.BytesIO(b"MZ not a pdf"), "纪要.pdf"),
    }
    refused = client.post(f"/key-projects/{project.id}/progress/1", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400 and "召开推进会" in refused.get_data(as_text=True)
    assert queries.report_of(project.id, 1) is None


def test_the_unit_takes_a_file_off_a_draft(published):
    project = published.projects[0]
    staff = staff_of(project)
    draft = report(project, staff, percent=10, submit=False, files=[("纪要.pdf", PDF), ("照片.pdf", PDF)])
    keep, drop = draft.attachments
    again = report(project, staff, percent=20, submit=False, remove_files=frozenset({drop.id}))
    assert [file.filename for file in again.attachments] == [keep.filename]
