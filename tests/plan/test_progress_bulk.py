"""The office accepts several submitted progress reports in one action, after a confirmation saying how many."""

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from extensions import db
from plan.errors import PlanError
from plan.models import ProgressStatus, ReportState
from plan.services import progress
from tests.factories import make_user


def submitted(project, quarter=1, submit=True):
    staff = make_user(role="unit_staff", unit=project.lead_unit)
    values = {"percent": 30, "status": ProgressStatus.on_track, "achievements": "完成方案制定", "submit": submit}
    return progress.save_report(actor=staff, project=project, quarter=quarter, **values)


def reviews_of(report):
    query = select(AuditEvent).where(
        AuditEvent.action == "progress.review",
        AuditEvent.object_id == report.id,
        AuditEvent.object_type == "ProgressReport",
    )
    return list(db.session.scalars(query))


def test_office_accepts_the_chosen_reports_each_audited_and_one_no_longer_waiting_is_refused_with_why(
    planning, published
):
    office = planning["office"]
    first, second, third = (submitted(project) for project in published.projects)
    progress.review_report(actor=office, report=third, accept=False, comment="请补充")
    outcome = progress.accept_reports(actor=office, plan=published, report_ids=[first.id, second.id, third.id])
    assert outcome.accepted == [first, second]
    assert [(report, error.code) for report, error in outcome.refused] == [(third, "report_not_submitted")]
    assert (first.state, second.state, third.state) == (
        ReportState.accepted,
        ReportState.accepted,
        ReportState.returned,
    )
    assert len(reviews_of(first)) == len(reviews_of(second)) == 1 and len(reviews_of(third)) == 1  # its return


def test_office_cannot_accept_reports_of_another_plan_or_none_and_others_cannot_accept_at_all(planning, published):
    office = planning["office"]
    report = submitted(published.projects[0])
    with pytest.raises(PlanError, match="no_report_chosen"):
        progress.accept_reports(actor=office, plan=published, report_ids=[])
    with pytest.raises(PlanError, match="no_report_chosen"):
        progress.accept_reports(actor=office, plan=published, report_ids=[report.id + 1000])
    for role in ("leader", "unit_staff"):
        with pytest.raises(PlanError, match="office_only"):
            progress.accept_reports(actor=make_user(role=role), plan=published, report_ids=[report.id])
    assert report.state is ReportState.submitted


def test_office_confirms_how_many_reports_will_change_then_reads_what_was_accepted_and_refused(
    client, planning, published
):
    office = planning["office"]
    first, second = submitted(published.projects[0]), submitted(published.projects[1])
    submitted(published.projects[2], submit=False)  # a draft: not the office's to accept, no box to tick
    client.login(office)
    page = client.get(f"/plans/{published.id}/progress?quarter=1").get_data(as_text=True)
    assert page.count('name="report_id"') == 2 and "2 份报告待审核" in page
    progress.review_report(actor=office, report=second, accept=True)  # in another tab, meanwhile
    confirm = client.get(f"/plans/{published.id}/progress/accept?quarter=1&report_id={first.id}&report_id={second.id}")
    text = confirm.get_data(as_text=True)
    assert "将采纳 1 份报告" in text and "1 份所选报告已不在待审核状态" in text
    done = client.post(
        f"/plans/{published.id}/progress/accept?quarter=1",
        data={"report_id": [str(first.id), str(second.id)]},
        follow_redirects=True,
    )
    text = done.get_data(as_text=True)
    assert "已采纳 1 份报告" in text and f"未采纳：{second}" in text
    assert first.state is ReportState.accepted


def test_nothing_chosen_brings_the_office_back_with_a_message(client, login_as, planning, published):
    login_as("office")
    back = client.get(f"/plans/{published.id}/progress/accept?quarter=2&report_id=x", follow_redirects=True)
    assert "请至少选择本计划的一份已报送的报告" in back.get_data(as_text=True)
