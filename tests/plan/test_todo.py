"""What of the plan's implementation waits: a lead unit's reports due and returned; the office's reports to accept
and those still missing as the deadline nears."""

import re
from datetime import date, timedelta

import pytest

from core.todo import todo_for
from plan.models import ProgressStatus
from plan.services import bulletins, progress, tasks
from plan.todo import BULLETIN_NEWS_DAYS
from tests.factories import make_user

MENU_BADGE = 'class="count-badge" aria-label='


@pytest.fixture
def page_request(app):
    with app.test_request_context("/"):
        yield


def waiting(user, today) -> dict:
    return {item.text: item for item in todo_for(user, today)}


def test_a_lead_unit_is_asked_for_the_quarters_report_and_to_revise_a_returned_one(planning, published, page_request):
    office = planning["office"]
    project = published.projects[0]
    staff = make_user(role="unit_staff", unit=project.lead_unit)
    year = published.round.year
    due = f"{published.title}：待报送的第1季度进展报告"
    item = waiting(staff, date(year, 3, 1))[due]
    assert item.count == 1 and item.due == date(year, 3, 25) and item.url == "/progress"
    assert f"{published.title}：待报送的第2季度进展报告" in waiting(staff, date(year, 3, 26))  # Q1 is past

    report = progress.save_report(
        actor=staff, project=project, quarter=1, percent=20, status=ProgressStatus.on_track, achievements="完成调研"
    )
    assert due in waiting(staff, date(year, 3, 1))  # a draft has not reached the office
    progress.save_report(
        actor=staff,
        project=project,
        quarter=1,
        percent=20,
        status=ProgressStatus.on_track,
        achievements="完成调研",
        submit=True,
    )
    assert due not in waiting(staff, date(year, 3, 1))
    progress.review_report(actor=office, report=report, accept=False, comment="请补充网格员配置情况")
    revise = waiting(staff, date(year, 3, 1))[f"修改被退回的第1季度进展报告：“{project.title}”"]
    assert revise.detail == "请补充网格员配置情况" and revise.url == f"/key-projects/{project.id}/progress/1"


def test_a_lead_unit_is_told_of_its_tasks_past_their_quarter_until_a_report_gives_them_done(
    planning, published, page_request
):
    office = planning["office"]
    project = published.projects[0]
    staff = make_user(role="unit_staff", unit=project.lead_unit)
    year = published.round.year
    fields = {"actor": office, "project": project, "owner_unit_id": project.lead_unit_id}
    first = tasks.save_task(**fields, title="制定网格划分方案", weight=30, due_quarter=1)
    second = tasks.save_task(**fields, title="配齐网格员", weight=70, due_quarter=2)
    overdue = f"逾期任务：“{project.title}”"
    assert overdue not in waiting(staff, date(year, 3, 25))  # due today, not yet late
    item = waiting(staff, date(year, 3, 26))[overdue]
    assert (item.count, item.detail, item.url) == (1, "制定网格划分方案", f"/key-projects/{project.id}/tasks")

    report = progress.save_report(
        actor=staff,
        project=project,
        quarter=1,
        percent=30,
        status=ProgressStatus.on_track,
        achievements="方案已印发",
        task_percents={first.id: 100, second.id: 20},
        submit=True,
    )
    assert overdue not in waiting(staff, date(year, 3, 26))  # reported done: the office has it
    progress.review_report(actor=office, report=report, accept=False, comment="请附方案")
    assert waiting(staff, date(year, 3, 26))[overdue].count == 1  # returned: done no longer counts
    assert waiting(staff, date(year, 6, 26))[overdue].count == 2


def test_the_office_is_told_of_reports_to_accept_and_of_those_missing_a_week_before_the_deadline(
    planning, published, page_request
):
    office = planning["office"]
    year = published.round.year
    missing = f"{published.title}：第1季度尚未报送的进展报告"
    assert missing not in waiting(office, date(year, 3, 17))  # eight days before
    item = waiting(office, date(year, 3, 18))[missing]
    assert item.count == len(published.projects) and item.due == date(year, 3, 25)

    project = published.projects[0]
    staff = make_user(role="unit_staff", unit=project.lead_unit)
    progress.save_report(
        actor=staff,
        project=project,
        quarter=1,
        percent=30,
        status=ProgressStatus.on_track,
        achievements="完成调研",
        submit=True,
    )
    items = waiting(office, date(year, 3, 18))
    assert items[missing].count == len(published.projects) - 1
    accept = items[f"{published.title}：待审核的季度进展报告"]
    assert accept.count == 1 and accept.url == f"/plans/{published.id}/progress"


def submit(project, quarter, percent, status=ProgressStatus.on_track):
    staff = make_user(role="unit_staff", unit=project.lead_unit)
    values = {"percent": percent, "status": status, "achievements": "完成调研", "submit": True}
    return progress.save_report(actor=staff, project=project, quarter=quarter, **values)


def test_a_leader_is_told_of_the_projects_they_lead_those_behind_and_the_bulletin_just_issued(
    planning, published, leader, page_request
):
    today = date(published.round.year, 5, 1)
    items = {item.url: item for item in todo_for(leader, today)}
    assert list(items) == ["/leading"] and items["/leading"].count == 2  # nothing is behind yet: no item for it
    first, second, third = published.projects
    submit(first, 1, 10)  # below the first quarter's even share, 25
    submit(second, 1, 30)
    submit(third, 1, 0, ProgressStatus.lagging)  # 高自民 leads it without an account
    items = {item.url: item for item in todo_for(leader, today)}
    assert items["/leading?behind=yes"].count == 1
    submit(second, 2, 60, ProgressStatus.lagging)  # the latest report counts
    assert {item.url: item for item in todo_for(leader, today)}["/leading?behind=yes"].count == 2

    bulletin = bulletins.save_bulletin(actor=planning["office"], plan=published, quarter=1, summary="", remarks={})
    assert f"/plans/{published.id}/bulletins/1" not in {item.url for item in todo_for(leader, today)}  # a draft
    bulletins.save_bulletin(actor=planning["office"], plan=published, quarter=1, summary="", remarks={}, issue=True)
    issued = bulletin.issued_at.date()
    news = {item.url: item for item in todo_for(leader, issued)}[f"/plans/{published.id}/bulletins/1"]
    assert news.text == f"{published.title}第1季度通报" and news.count == 1
    later = issued + timedelta(days=BULLETIN_NEWS_DAYS + 1)
    assert f"/plans/{published.id}/bulletins/1" not in {item.url for item in todo_for(leader, later)}


def test_a_leader_who_leads_no_project_has_nothing_waiting(planning, published, page_request):
    assert todo_for(make_user(role="leader"), date(published.round.year, 5, 1)) == []


def test_the_menu_badge_counts_what_waits_for_a_leader_exactly(client, planning, published, leader):
    submit(published.projects[0], 1, 10)
    client.login(leader)
    page = client.get("/leading").get_data(as_text=True)
    assert re.search(r'class="count-badge"[^>]*>1</span>', page)  # two projects led, one of them behind


def test_a_leader_whose_projects_are_on_track_sees_no_badge_but_sees_them_listed(client, planning, published, leader):
    client.login(leader)
    page = client.get("/leading").get_data(as_text=True)
    assert MENU_BADGE not in page
    assert all(project.title in page for project in published.projects[:2])
    assert "/leading" in client.get("/").get_data(as_text=True)  # the home page's to-do list still links them


def test_an_issued_bulletin_waits_for_a_leader_until_they_open_it(client, planning, published, leader):
    bulletins.save_bulletin(actor=planning["office"], plan=published, quarter=1, summary="", remarks={}, issue=True)
    client.login(leader)
    page = client.get("/").get_data(as_text=True)
    assert f"/plans/{published.id}/bulletins/1" in page and re.search(r'class="count-badge"[^>]*>1</span>', page)
    assert client.get(f"/plans/{published.id}/bulletins/1").status_code == 200
    page = client.get("/").get_data(as_text=True)
    assert f"/plans/{published.id}/bulletins/1" not in page and MENU_BADGE not in page
