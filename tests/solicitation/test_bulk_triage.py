"""The office's bulk triage of suggestions: each record by its single action's rule, audited and mailed on its own;
those the rule refuses left unchanged and reported with the reason; bad input changes nothing."""

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from core.mail import OutboxMessage
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import RejectReason, Suggestion, SuggestionStatus
from solicitation.services import suggestions as services
from solicitation.services.suggestions import BulkChoice
from tests.factories import make_open_round, make_proposal, make_suggestion, make_unit, make_user

St = SuggestionStatus


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def statuses(suggestions) -> list[SuggestionStatus]:
    return [db.session.get(Suggestion, suggestion.id).status for suggestion in suggestions]


def triage(office, round, suggestions, **choice):
    return services.triage_suggestions(actor=office, round=round, suggestions=suggestions, choice=BulkChoice(**choice))


def test_office_accepts_many_suggestions_each_audited_and_its_resident_mailed():
    office, round = make_user(role="office"), make_open_round()
    chosen = [make_suggestion(round=round, contact_email=f"r{n}@example.cn") for n in range(3)]
    outcome = triage(office, round, chosen, action="accept")
    assert outcome.changed == chosen and outcome.refused == [] and outcome.residents_mailed == 3
    assert statuses(chosen) == [St.accepted] * 3
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "suggestion.accept")).all()
    assert sorted(event.object_id for event in events) == sorted(s.id for s in chosen)
    assert all(event.actor_id == office.id and event.after == {"status": "accepted"} for event in events)
    assert count(OutboxMessage, OutboxMessage.kind == "suggestion_update") == 3


def test_the_suggestions_the_rule_refuses_are_left_unchanged_and_reported_with_the_reason():
    office, round = make_user(role="office"), make_open_round()
    fresh = make_suggestion(round=round)
    adopted = services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    services.decide_suggestion(actor=office, suggestion=adopted, adopted=True, reply="采纳", publish_reply=True)
    outcome = triage(office, round, [fresh, adopted], action="reject", reason=RejectReason.spam)
    assert outcome.changed == [fresh]
    [(refused, refusal)] = outcome.refused
    assert refused == adopted and refusal.code == "suggestion_move_not_allowed"
    assert refusal.message == "处于“已采纳”状态的建议不能变更为“不予受理”。"
    assert statuses([fresh, adopted]) == [St.rejected, St.adopted]
    assert count(AuditEvent, AuditEvent.action == "suggestion.reject") == 1


def test_a_preview_says_what_would_change_and_who_would_be_mailed_and_changes_nothing():
    office, round = make_user(role="office"), make_open_round()
    unit = make_unit()
    staff = make_user(role="unit_staff", unit=unit, email="staff@example.cn")
    accepted = [
        services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round, contact_email=email))
        for email in ("a@example.cn", "")
    ]
    spam = services.reject_suggestion(actor=office, suggestion=make_suggestion(round=round), reason=RejectReason.spam)
    events, mails = count(AuditEvent), count(OutboxMessage)
    outcome = services.preview_triage(
        actor=office, round=round, suggestions=[*accepted, spam], choice=BulkChoice(action="refer", unit_id=unit.id)
    )
    assert outcome.changed == accepted and [s for s, _ in outcome.refused] == [spam]
    assert outcome.residents_mailed == 1 and outcome.staff_mailed == [staff] and outcome.unit == unit
    assert statuses([*accepted, spam]) == [St.accepted, St.accepted, St.rejected]
    assert (count(AuditEvent), count(OutboxMessage)) == (events, mails)


def test_office_refers_many_to_one_unit_whose_staff_get_a_mail_for_each():
    office, round = make_user(role="office"), make_open_round()
    unit = make_unit()
    make_user(role="unit_staff", unit=unit, email="staff@example.cn")
    chosen = [services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round)) for _ in range(2)]
    triage(office, round, chosen, action="refer", unit_id=unit.id, note="请研究")
    assert [db.session.get(Suggestion, s.id).referred_unit_id for s in chosen] == [unit.id, unit.id]
    assert count(OutboxMessage, OutboxMessage.recipient == "staff@example.cn") == 2
    assert count(AuditEvent, AuditEvent.action == "suggestion.refer") == 2


def test_office_merges_many_into_one_original_which_is_itself_refused():
    office, round = make_user(role="office"), make_open_round()
    original, *copies = [make_suggestion(round=round) for _ in range(3)]
    outcome = triage(office, round, [original, *copies], action="duplicate", original=original.display_code)
    assert outcome.changed == copies
    assert [refusal.code for _, refusal in outcome.refused] == ["duplicate_of_self"]
    assert [db.session.get(Suggestion, s.id).duplicate_of_id for s in copies] == [original.id] * 2


def test_office_links_many_to_a_proposal_keeping_their_other_links():
    office, round = make_user(role="office"), make_open_round()
    first, second = (make_proposal(round=round, submit=True) for _ in range(2))
    linked = make_suggestion(round=round)
    services.link_proposals(actor=office, suggestion=linked, proposal_ids=[first.id])
    already = make_suggestion(round=round)
    services.link_proposals(actor=office, suggestion=already, proposal_ids=[second.id])
    outcome = triage(office, round, [linked, already], action="link", proposal_id=second.id)
    assert outcome.changed == [linked] and outcome.residents_mailed == 0
    assert [refusal.code for _, refusal in outcome.refused] == ["already_linked"]
    assert [p.id for p in db.session.get(Suggestion, linked.id).proposals] == [first.id, second.id]


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        ({"action": "shred"}, "bulk_action_required"),
        ({"action": "reject"}, "reject_reason_required"),
        ({"action": "refer", "unit_id": 2**31 - 1}, "referral_unit_required"),
        ({"action": "duplicate"}, "original_required"),
        ({"action": "duplicate", "original": "2222-2222-2222"}, "tracking_code_unknown"),
        ({"action": "link", "proposal_id": 2**31 - 1}, "proposal_other_round"),
    ],
)
def test_bad_input_is_refused_before_any_suggestion_changes(choice, code):
    office, round = make_user(role="office"), make_open_round()
    chosen = [make_suggestion(round=round) for _ in range(2)]
    events = count(AuditEvent)
    with pytest.raises(SolicitationError, match=code):
        triage(office, round, chosen, **choice)
    assert statuses(chosen) == [St.received] * 2 and count(AuditEvent) == events


def test_nothing_chosen_is_refused():
    with pytest.raises(SolicitationError, match="nothing_chosen"):
        triage(make_user(role="office"), make_open_round(), [], action="accept")


def test_an_original_of_another_round_is_refused():
    office, round = make_user(role="office"), make_open_round()
    elsewhere = make_suggestion(round=make_open_round())
    with pytest.raises(SolicitationError, match="duplicate_other_round"):
        triage(office, round, [make_suggestion(round=round)], action="duplicate", original=str(elsewhere.id))


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_triages_in_bulk(role):
    round = make_open_round()
    suggestion = make_suggestion(round=round)
    with pytest.raises(SolicitationError, match="office_only"):
        triage(make_user(role=role), round, [suggestion], action="accept")
    assert statuses([suggestion]) == [St.received]


def test_each_bulk_change_can_be_taken_back_by_its_single_action():
    office, round = make_user(role="office"), make_open_round()
    unit = make_unit()
    rejected, referred = make_suggestion(round=round), make_suggestion(round=round)
    triage(office, round, [rejected], action="reject", reason=RejectReason.out_of_scope)
    services.accept_suggestion(actor=office, suggestion=referred)
    triage(office, round, [referred], action="refer", unit_id=unit.id)
    for suggestion in (rejected, referred):
        services.accept_suggestion(actor=office, suggestion=suggestion)
    assert statuses([rejected, referred]) == [St.accepted, St.accepted]
    assert db.session.get(Suggestion, referred.id).referred_unit_id is None
