"""'Today' is the district's date (TIMEZONE, Asia/Shanghai), not the server's: at dawn in Beijing a server on UTC
still lives the day before."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core import clock
from extensions import db
from review.errors import ReviewError
from review.services.field_visits import record_field_visit
from solicitation.errors import SolicitationError
from solicitation.models import Proposal, RoundStatus, Suggestion
from solicitation.services import proposals
from solicitation.services.rounds import transition_round
from tests.factories import SUGGESTION_FORM, make_open_round, make_proposal, make_round, make_user, proposal_fields

# 2026-03-01 05:33 in Beijing is 2026-02-28 21:33 on a server whose clock and zone are UTC.
DAWN_IN_BEIJING = datetime(2026, 2, 28, 21, 33, tzinfo=ZoneInfo("UTC"))
pytestmark = pytest.mark.time_machine(DAWN_IN_BEIJING, tick=False)

MARCH_1, FEBRUARY_28 = date(2026, 3, 1), date(2026, 2, 28)


def test_the_clock_reads_the_districts_date_and_time():
    assert datetime.now().date() == FEBRUARY_28  # noqa: DTZ005 (the server's date, which the bug used)
    assert clock.today() == MARCH_1
    assert clock.local_now().strftime("%Y-%m-%d %H:%M %Z") == "2026-03-01 05:33 CST"


def test_a_suggestion_sent_at_dawn_is_received_on_the_districts_date(client):
    make_open_round()
    client.post("/suggest", data=SUGGESTION_FORM)
    assert db.session.scalar(select(Suggestion.received_on)) == MARCH_1


def test_the_hotline_form_proposes_the_districts_date(client, login_as):
    login_as("office")
    round = make_open_round()
    page = client.get(f"/rounds/{round.id}/suggestions/new").get_data(as_text=True)
    assert 'value="2026-03-01"' in page and "2026-02-28" not in page


def test_a_solicitation_window_that_closed_yesterday_in_the_district_is_closed(client, login_as):
    staff = login_as("unit_staff")
    round = make_round(solicitation_opens=date(2026, 2, 1), solicitation_closes=FEBRUARY_28)
    transition_round(actor=None, round=round, target=RoundStatus.soliciting)
    assert not proposals.window_open(round=round, unit=staff.unit)
    page = client.get(f"/rounds/{round.id}/proposals").get_data(as_text=True)
    assert "本轮次当前不接受申报（征集时间 2026-02-01 至 2026-02-28）" in page
    response = client.post(f"/rounds/{round.id}/proposals/new", data=proposal_fields(round))
    assert "本轮次当前不接受申报（征集截止日期为 2026-02-28）" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_late_submission_cannot_end_on_the_districts_yesterday():
    round = make_open_round()
    staff, office = make_user(role="unit_staff"), make_user(role="office")
    with pytest.raises(SolicitationError, match="late_until_in_past"):
        proposals.grant_late_submission(actor=office, round=round, unit=staff.unit, until=FEBRUARY_28)
    assert proposals.grant_late_submission(actor=office, round=round, unit=staff.unit, until=MARCH_1).until == MARCH_1


def test_review_lateness_is_decided_on_the_districts_date(client, login_as):
    login_as("office")
    round = make_round(
        solicitation_opens=date(2026, 1, 1), solicitation_closes=date(2026, 1, 31), review_deadline=FEBRUARY_28
    )
    page = client.get(f"/rounds/{round.id}/review-progress").get_data(as_text=True)
    assert "已过评审截止日期（2026-02-28）" in page


def test_a_field_visit_made_this_morning_in_the_district_is_not_in_the_future():
    office, proposal = make_user(role="office"), make_proposal(submit=True)
    visit = record_field_visit(
        actor=office, proposal=proposal, visited_on=MARCH_1, place="布吉街道", people_met="", findings=""
    )
    assert visit.visited_on == MARCH_1
    with pytest.raises(ReviewError, match="visit_in_future"):
        record_field_visit(
            actor=office,
            proposal=proposal,
            visited_on=MARCH_1 + timedelta(days=1),
            place="",
            people_met="",
            findings="",
        )
