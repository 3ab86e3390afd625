"""What of the plan's implementation waits: a lead unit's reports due and returned; the office's reports to accept
and those still missing as the deadline nears."""

from datetime import date

import pytest

from core.todo import todo_for
from plan.models import ProgressStatus
from plan.services import progress
from tests.factories import make_user


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
