"""An acceptance nothing followed can be taken back (撤回受理); a received suggestion can be referred in one step."""

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core.mail import OutboxMessage
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import SuggestionStatus
from solicitation.services import suggestions as services
from tests.factories import make_open_round, make_proposal, make_suggestion, make_unit, make_user

St = SuggestionStatus


@pytest.fixture
def office():
    return make_user(role="office")


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_office_takes_back_an_acceptance_nothing_followed_and_the_resident_is_told(office):
    suggestion = make_suggestion(contact_email="wang@example.cn")
    services.accept_suggestion(actor=office, suggestion=suggestion)
    services.reveal_contact(actor=office, suggestion=suggestion)  # reading changes nothing: no obstacle
    services.reopen_suggestion(actor=office, suggestion=suggestion)
    assert suggestion.status is St.received
    [event] = events("suggestion.reopen")
    assert (event.before, event.after) == ({"status": "accepted"}, {"status": "received"})
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "wang@example.cn")).all()
    assert len(mails) == 3  # the code, the acceptance, the acceptance taken back


def follow_with_link(office, suggestion):
    proposal = make_proposal(round=suggestion.round, submit=True)
    services.link_proposals(actor=office, suggestion=suggestion, proposal_ids=[proposal.id])


def follow_with_publication(office, suggestion):
    services.set_public(actor=office, suggestion=suggestion, public=True)


def follow_with_referral_taken_back(office, suggestion):
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=make_unit())
    services.accept_suggestion(actor=office, suggestion=suggestion)  # accepted again, but after a referral


@pytest.mark.parametrize("follow", [follow_with_link, follow_with_publication, follow_with_referral_taken_back])
def test_an_acceptance_something_followed_cannot_be_taken_back(office, follow):
    suggestion = make_suggestion()
    services.accept_suggestion(actor=office, suggestion=suggestion)
    follow(office, suggestion)
    with pytest.raises(SolicitationError, match="reopen_after_changes"):
        services.reopen_suggestion(actor=office, suggestion=suggestion)
    assert suggestion.status is St.accepted and not events("suggestion.reopen")


def test_only_the_office_takes_back_only_an_acceptance(office):
    suggestion = make_suggestion()
    with pytest.raises(SolicitationError, match="reopen_not_accepted"):
        services.reopen_suggestion(actor=office, suggestion=suggestion)
    services.accept_suggestion(actor=office, suggestion=suggestion)
    with pytest.raises(SolicitationError):
        services.reopen_suggestion(actor=make_user(role="expert"), suggestion=suggestion)
    assert suggestion.status is St.accepted


def test_the_page_offers_to_take_back_an_acceptance_only_while_it_can(office, client):
    suggestion = make_suggestion()
    client.login(office)
    page = f"/suggestions/{suggestion.id}"
    assert "/reopen" not in client.get(page).get_data(as_text=True)
    client.post(f"{page}/accept")
    assert f"{page}/reopen" in client.get(page).get_data(as_text=True)
    assert client.post(f"{page}/reopen").status_code == 302
    assert suggestion.status is St.received
    client.post(f"{page}/accept")
    client.post(f"{page}/public", data={"public": "1"})
    assert "/reopen" not in client.get(page).get_data(as_text=True)
    assert client.post(f"{page}/reopen").status_code == 400


def test_a_received_suggestion_is_referred_in_one_step_with_one_honest_event(office):
    unit = make_unit()
    staff = make_user(role="unit_staff", unit=unit, email="staff@lg.gov.cn")
    suggestion = make_suggestion()
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=unit, note="请研究")
    assert suggestion.status is St.referred and suggestion.referred_unit_id == unit.id
    [event] = events("suggestion.refer")
    assert (event.before["status"], event.after["status"]) == ("received", "referred")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == staff.email))


def test_a_bulk_referral_takes_received_suggestions_up_and_refers_them(office):
    round = make_open_round()
    unit = make_unit()
    received = [make_suggestion(round=round) for _ in range(3)]
    choice = services.BulkChoice(action="refer", unit_id=unit.id)
    outcome = services.triage_suggestions(actor=office, round=round, suggestions=received, choice=choice)
    assert len(outcome.changed) == 3 and not outcome.refused
    assert {suggestion.status for suggestion in received} == {St.referred}
    assert len(events("suggestion.refer")) == 3
