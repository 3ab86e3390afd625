"""What of solicitation waits on a unit's and the office's home page: returned proposals, drafts, referrals,
suggestions to triage, overdue referrals, held replies, resubmitted proposals."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from accounts.models import AuditEvent
from core import clock
from core.models import utcnow
from core.todo import todo_for
from extensions import db
from solicitation.services import proposals, suggestions
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user, proposal_fields


@pytest.fixture
def page_request(app):
    """Inside a request, as the home page draws the list (its links are the site's URLs)."""
    with app.test_request_context("/"):
        yield


def waiting(user, today=None) -> dict:
    """What waits for `user`, by text (asked anew, as a next page would)."""
    return {item.text: item for item in todo_for(user, today or clock.today())}


def texts(user, today=None) -> dict[str, int]:
    return {text: item.count for text, item in waiting(user, today).items()}


def test_a_unit_is_asked_to_revise_what_came_back_to_submit_its_drafts_and_answer_referrals(page_request):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    staff = make_user(role="unit_staff")
    returned = make_proposal(round=round, author=staff, submit=True, title="创新家庭医生服务模式")
    proposals.return_proposal(actor=office, proposal=returned, reason="请补充量化指标")
    make_proposal(round=round, author=staff, title="草稿一")
    make_proposal(round=round, author=staff, title="草稿二")
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    suggestions.refer_suggestion(actor=office, suggestion=suggestion, unit=staff.unit)

    items = waiting(staff)
    revise = items["修改被退回的项目“创新家庭医生服务模式”"]
    assert revise.detail == "请补充量化指标" and revise.url == f"/proposals/{returned.id}"
    drafts = items[f"{round.title}：尚未提交的草稿"]
    assert drafts.count == 2 and drafts.due == round.solicitation_closes
    assert items["转办给本单位、待答复的群众建议"].count == 1

    suggestions.answer_referral(actor=staff, suggestion=suggestion, answer="已纳入明年计划")
    proposals.submit_proposal(actor=staff, proposal=returned)
    assert texts(staff) == {f"{round.title}：尚未提交的草稿": 2}
    # Once the window has closed the drafts can no longer be submitted: nothing to do about them.
    assert texts(staff, today=round.solicitation_closes + timedelta(days=1)) == {}


def test_the_office_is_told_of_untriaged_suggestions_overdue_referrals_held_replies_and_resubmissions(
    app, page_request
):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    for title in ("公园厕所太少", "路灯不亮", "停车难"):
        make_suggestion(round=round, title=title)
    staff = make_user(role="unit_staff")
    referred = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round, title="转办的"))
    suggestions.refer_suggestion(actor=office, suggestion=referred, unit=staff.unit)
    held = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(round=round, title="答复的"))
    suggestions.decide_suggestion(actor=office, suggestion=held, adopted=True, reply="感谢建议", publish_reply=False)
    proposal = make_proposal(round=round, author=staff, submit=True)
    proposals.return_proposal(actor=office, proposal=proposal, reason="补充")
    proposals.update_proposal(actor=staff, proposal=proposal, fields=proposal_fields(round, goals="量化"))
    proposals.submit_proposal(actor=staff, proposal=proposal)

    items = waiting(office)
    triage = items[f"{round.title}：尚未受理的群众建议"]
    assert triage.count == 3 and triage.url == f"/rounds/{round.id}/suggestions?status=received"
    assert items[f"{round.title}：尚未公开的群众答复"].count == 1
    assert items[f"{round.title}：退回修改后重新提交的项目"].count == 1
    overdue = f"{round.title}：转办超过7天未答复"
    assert overdue not in items  # referred today: the unit still has time

    eight_days_ago = utcnow() - timedelta(days=8)
    db.session.execute(
        update(AuditEvent).where(AuditEvent.action == "suggestion.refer").values(created_at=eight_days_ago)
    )
    db.session.commit()
    assert texts(office)[overdue] == 1
    app.config["REFERRAL_OVERDUE_DAYS"] = 10
    try:
        assert f"{round.title}：转办超过10天未答复" not in texts(office)
    finally:
        app.config["REFERRAL_OVERDUE_DAYS"] = 7


def test_the_home_page_lists_what_waits_and_the_menu_counts_it(client):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    make_suggestion(round=round, title="公园厕所太少")
    make_suggestion(round=round, title="路灯不亮")
    client.login(office)
    page = client.get("/").get_data(as_text=True)
    assert f"{round.title}：尚未受理的群众建议" in page
    assert f'href="/rounds/{round.id}/suggestions?status=received"' in page
    assert '<span class="count-badge" aria-label="2 项待办">2</span>' in page


def test_nothing_waiting_is_said_so_and_the_menu_shows_no_count(client):
    client.login(make_user(role="leader"))
    page = client.get("/").get_data(as_text=True)
    assert "没有待办事项" in page and "count-badge" not in page
