"""Residents' suggestions: submission, tracking codes, the office's triage, referral, replies, seconds."""

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from core.mail import OutboxMessage
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Channel, RejectReason, Suggestion, SuggestionStatus
from solicitation.services import suggestions as services
from tests.factories import make_open_round, make_proposal, make_round, make_suggestion, make_unit, make_user

St = SuggestionStatus


def mails_to(address):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)))


def test_a_resident_gets_a_tracking_code_that_cannot_be_guessed():
    round = make_open_round()
    codes = {make_suggestion(round=round).tracking_code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 12 and set(code) <= set(services.CODE_ALPHABET)
    one = next(iter(codes))
    spaced = f"{one[:4].lower()}-{one[4:8]} {one[8:]}"
    assert services.find_by_code(spaced).tracking_code == one
    with pytest.raises(SolicitationError, match="tracking_code_unknown"):
        services.find_by_code("2222-2222-2222")


def test_submission_is_audited_and_a_resident_with_email_is_sent_the_code():
    suggestion = make_suggestion(contact_email="wang@example.cn")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestion.create"))
    assert event.object_id == suggestion.id and event.actor_id is None
    assert "contact_phone" not in event.after and "13812345678" not in str(event.after)
    [mail] = mails_to("wang@example.cn")
    assert suggestion.display_code in mail.body and f"/track?code={suggestion.tracking_code}" in mail.body


@pytest.mark.parametrize(
    ("fields", "consent", "code"),
    [
        ({"title": ""}, True, "field_required"),
        ({"content": "  "}, True, "field_required"),
        ({"title": "长" * 201}, True, "field_too_long"),
        ({"contact_email": "not-an-email"}, True, "email_invalid"),
        ({"contact_phone": "call me"}, True, "phone_invalid"),
        ({}, False, "consent_required"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(fields, consent, code):
    round = make_open_round()
    with pytest.raises(SolicitationError) as refused:
        make_suggestion(round=round, consent=consent, **fields)
    assert refused.value.code == code
    assert db.session.scalar(select(func.count(Suggestion.id))) == 0


def test_contact_details_are_optional_and_then_need_no_consent():
    suggestion = make_suggestion(consent=False, contact_name="", contact_phone="", contact_email="")
    assert suggestion.status is St.received


def test_a_round_not_soliciting_takes_no_suggestions():
    with pytest.raises(SolicitationError, match="round_not_soliciting"):
        make_suggestion(round=make_round())


def test_residents_cannot_claim_an_office_channel_but_the_office_records_one():
    round = make_open_round()
    with pytest.raises(SolicitationError, match="channel_not_public"):
        make_suggestion(round=round, channel="hotline")
    office = make_user(role="office")
    suggestion = make_suggestion(round=round, channel="hotline", actor=office)
    assert suggestion.channel is Channel.hotline and suggestion.entered_by_id == office.id


def test_triage_accept_refer_answer_and_adopt_with_every_step_audited_and_the_resident_told():
    office = make_user(role="office")
    unit = make_unit(name="区政务办")
    staff = make_user(role="unit_staff", unit=unit, email="zwb@example.cn")
    suggestion = make_suggestion(contact_email="wang@example.cn")
    services.accept_suggestion(actor=office, suggestion=suggestion)
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=unit, note="请研究可行性")
    assert [m.subject for m in mails_to("zwb@example.cn")] and suggestion.status is St.referred
    services.answer_referral(actor=staff, suggestion=suggestion, answer="可纳入政务服务改革")
    services.decide_suggestion(actor=office, suggestion=suggestion, adopted=True, reply="已采纳", publish_reply=True)
    assert suggestion.status is St.adopted and suggestion.reply_published
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "Suggestion").order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "suggestion.create",
        "suggestion.accept",
        "suggestion.refer",
        "suggestion.answer",
        "suggestion.decide",
    ]
    # received + accepted + referred + adopted
    assert len(mails_to("wang@example.cn")) == 4


def test_only_the_referred_unit_answers():
    office = make_user(role="office")
    suggestion = make_suggestion()
    services.accept_suggestion(actor=office, suggestion=suggestion)
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=make_unit())
    with pytest.raises(SolicitationError, match="not_referred_to_you"):
        services.answer_referral(actor=make_user(role="unit_staff"), suggestion=suggestion, answer="不是我们")
    assert suggestion.unit_answer == ""


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), St.adopted),
        (("reject",), St.referred),
        (("accept",), St.rejected),
        (("reject",), St.adopted),
        (("accept", "adopt"), St.accepted),
    ],
)
def test_an_illegal_triage_step_is_refused_and_changes_nothing(path, target):
    office = make_user(role="office")
    suggestion = make_suggestion()
    steps = {
        "accept": lambda: services.accept_suggestion(actor=office, suggestion=suggestion),
        "reject": lambda: services.reject_suggestion(actor=office, suggestion=suggestion, reason=RejectReason.spam),
        "adopt": lambda: services.decide_suggestion(
            actor=office, suggestion=suggestion, adopted=True, reply="", publish_reply=False
        ),
    }
    for step in path:
        steps[step]()
    before = suggestion.status
    attempts = {
        St.adopted: steps["adopt"],
        St.referred: lambda: services.refer_suggestion(actor=office, suggestion=suggestion, unit=make_unit()),
        St.rejected: steps["reject"],
        St.accepted: steps["accept"],
    }
    with pytest.raises(SolicitationError, match="suggestion_move_not_allowed"):
        attempts[target]()
    db.session.refresh(suggestion)
    assert suggestion.status is before


def test_not_adopting_needs_a_public_reply_and_a_held_reply_is_published_in_bulk():
    office = make_user(role="office")
    first, second = make_suggestion(contact_email="a@example.cn"), make_suggestion()
    for suggestion in (first, second):
        services.accept_suggestion(actor=office, suggestion=suggestion)
    with pytest.raises(SolicitationError, match="reply_required"):
        services.decide_suggestion(actor=office, suggestion=first, adopted=False, reply="", publish_reply=True)
    assert first.status is St.accepted
    services.decide_suggestion(actor=office, suggestion=first, adopted=False, reply="已有同类举措", publish_reply=False)
    services.decide_suggestion(actor=office, suggestion=second, adopted=True, reply="采纳", publish_reply=False)
    assert not first.reply_published and not second.reply_published
    assert services.publish_replies(actor=office, suggestions=[first, second]) == 2
    assert first.reply_published and second.reply_published
    assert services.publish_replies(actor=office, suggestions=[first]) == 0


def test_a_duplicate_points_to_the_root_of_the_chain_and_stays_visible():
    office = make_user(role="office")
    round = make_open_round()
    original, copy, copy_of_copy = (make_suggestion(round=round) for _ in range(3))
    services.mark_duplicate(actor=office, suggestion=copy, original=original)
    services.mark_duplicate(actor=office, suggestion=copy_of_copy, original=copy)
    assert copy_of_copy.duplicate_of_id == original.id and copy.status is St.duplicate
    with pytest.raises(SolicitationError, match="duplicate_of_self"):
        services.mark_duplicate(actor=office, suggestion=original, original=copy)
    other_round = make_suggestion()
    with pytest.raises(SolicitationError, match="duplicate_other_round"):
        services.mark_duplicate(actor=office, suggestion=other_round, original=original)
    assert services.find_by_code(copy.tracking_code).duplicate_of == original


def test_a_suggestion_links_to_submitted_proposals_of_its_round_only():
    office = make_user(role="office")
    round = make_open_round()
    suggestion = make_suggestion(round=round)
    proposal = make_proposal(round=round, submit=True)
    services.link_proposals(actor=office, suggestion=suggestion, proposal_ids=[proposal.id])
    assert suggestion.proposals == [proposal]
    draft = make_proposal(round=round)
    with pytest.raises(SolicitationError, match="proposal_other_round"):
        services.link_proposals(actor=office, suggestion=suggestion, proposal_ids=[draft.id])
    assert suggestion.proposals == [proposal]


def test_one_second_per_browser_on_published_suggestions_only():
    office = make_user(role="office")
    suggestion = make_suggestion()
    with pytest.raises(SolicitationError, match="not_public"):
        services.second_suggestion(suggestion=suggestion, browser_id="browser-a")
    services.set_public(actor=office, suggestion=suggestion, public=True)
    services.second_suggestion(suggestion=suggestion, browser_id="browser-a")
    services.second_suggestion(suggestion=suggestion, browser_id="browser-b")
    with pytest.raises(SolicitationError, match="already_seconded"):
        services.second_suggestion(suggestion=suggestion, browser_id="browser-a")
    db.session.refresh(suggestion)
    assert suggestion.second_count == 2


def test_revealing_contact_details_is_logged_and_only_for_the_office():
    office = make_user(role="office")
    suggestion = make_suggestion()
    assert services.reveal_contact(actor=office, suggestion=suggestion)["phone"] == "13812345678"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "suggestion.reveal_contact"))
    assert event.actor_id == office.id and event.object_id == suggestion.id
    with pytest.raises(SolicitationError, match="office_only"):
        services.reveal_contact(actor=make_user(role="leader"), suggestion=suggestion)


def test_taking_a_suggestion_back_from_a_unit_hides_it_from_that_unit_and_clears_an_old_reply():
    office = make_user(role="office")
    unit = make_unit()
    suggestion = make_suggestion()
    services.accept_suggestion(actor=office, suggestion=suggestion)
    services.refer_suggestion(actor=office, suggestion=suggestion, unit=unit)
    services.accept_suggestion(actor=office, suggestion=suggestion)
    assert suggestion.referred_unit_id is None
    rejected = make_suggestion()
    services.reject_suggestion(actor=office, suggestion=rejected, reason=RejectReason.out_of_scope, reply="不属于改革")
    services.accept_suggestion(actor=office, suggestion=rejected)
    assert rejected.reply == "" and not rejected.reply_published


def test_a_rejected_suggestion_cannot_be_published():
    office = make_user(role="office")
    suggestion = make_suggestion()
    services.reject_suggestion(actor=office, suggestion=suggestion, reason=RejectReason.spam)
    with pytest.raises(SolicitationError, match="cannot_publish"):
        services.set_public(actor=office, suggestion=suggestion, public=True)
