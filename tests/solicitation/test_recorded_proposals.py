"""A past round entered afterwards: the office records the proposals units sent outside the platform, with the
date each was sent, marked as entered by the office."""

from datetime import date

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core import clock
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Proposal, ProposalStatus, RoundStatus
from solicitation.services import proposals as services
from solicitation.services.rounds import transition_round
from tests.factories import make_open_round, make_round, make_unit, make_user, proposal_fields


@pytest.fixture
def last_year():
    """Longgang's 2018 round, created with its real (past) dates and opened for solicitation."""
    office = make_user(role="office", display_name="李科员")
    round = make_round(
        year=2018,
        actor=office,
        solicitation_opens=date(2017, 10, 1),
        solicitation_closes=date(2017, 11, 30),
        review_deadline=date(2017, 12, 31),
        plan_date=date(2018, 3, 1),
    )
    transition_round(actor=office, round=round, target=RoundStatus.soliciting)
    return {"office": office, "round": round, "unit": make_unit(name="区卫生健康局")}


def test_office_records_a_units_proposal_with_its_real_date_and_it_shows_as_entered_by_the_office(client, last_year):
    round, unit = last_year["round"], last_year["unit"]
    client.login(last_year["office"])
    assert f"/rounds/{round.id}/proposals/record" in client.get(f"/rounds/{round.id}/proposals").get_data(as_text=True)
    data = proposal_fields(round) | {"unit_id": unit.id, "submitted_on": "2017-11-20"}
    response = client.post(f"/rounds/{round.id}/proposals/record", data=data)
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"] == f"/proposals/{proposal.id}"
    assert proposal.status is ProposalStatus.submitted and proposal.unit_id == unit.id
    assert proposal.submitted_at.date() == date(2017, 11, 20)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "2017-11-20" in page and "改革办（李科员）代单位录入" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "proposal.record"))
    assert event.after["entered_by_office"] is True and event.after["submitted_on"] == "2017-11-20"


def test_a_date_outside_the_round_is_refused_and_the_form_keeps_what_was_typed(client, last_year):
    round, unit = last_year["round"], last_year["unit"]
    client.login(last_year["office"])
    data = proposal_fields(round) | {"unit_id": unit.id, "submitted_on": "2017-01-05"}
    response = client.post(f"/rounds/{round.id}/proposals/record", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "2017-10-01" in page and "创新家庭医生服务模式" in page
    assert db.session.scalar(select(Proposal)) is None


def test_office_cannot_record_for_units_while_they_can_still_submit_themselves(client):
    office = make_user(role="office")
    round = make_open_round(actor=office)
    with pytest.raises(SolicitationError, match="solicitation_still_open"):
        services.record_proposal(
            actor=office, round=round, unit=make_unit(), fields=proposal_fields(round), submitted_on=clock.today()
        )
    client.login(office)
    assert "/proposals/record" not in client.get(f"/rounds/{round.id}/proposals").get_data(as_text=True)


def test_unit_staff_cannot_record_proposals(last_year):
    staff = make_user(role="unit_staff", unit=last_year["unit"])
    with pytest.raises(SolicitationError, match="office_only"):
        services.record_proposal(
            actor=staff,
            round=last_year["round"],
            unit=last_year["unit"],
            fields=proposal_fields(last_year["round"]),
            submitted_on=date(2017, 11, 20),
        )
