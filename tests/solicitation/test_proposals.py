"""Unit proposals: who may draft, edit, submit, return and withdraw them, and when."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from accounts.models import AuditEvent
from core import clock
from core.mail import OutboxMessage
from core.uploads import UploadError
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Proposal, ProposalStatus, RoundStatus
from solicitation.services import proposals as services
from solicitation.services.rounds import transition_round
from tests.factories import (
    make_open_round,
    make_proposal,
    make_round,
    make_unit,
    make_user,
    proposal_fields,
)

S = ProposalStatus
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def actions(proposal):
    query = select(AuditEvent.action).where(AuditEvent.object_type == "Proposal", AuditEvent.object_id == proposal.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_unit_staff_draft_a_proposal_for_their_own_unit():
    author = make_user(role="unit_staff")
    partner = make_unit(name="区卫生计生局")
    proposal = make_proposal(author=author, cooperating_unit_ids=[partner.id])
    assert proposal.status is S.draft and proposal.unit_id == author.unit_id
    assert [u.name for u in proposal.cooperating_units] == ["区卫生计生局"]
    assert proposal.submitted_at is None
    assert actions(proposal) == ["proposal.create"]


@pytest.mark.parametrize("role", ["office", "expert", "leader"])
def test_only_unit_staff_propose(role):
    with pytest.raises(SolicitationError, match="not_unit_staff"):
        make_proposal(author=make_user(role=role))
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_complete_draft_is_submitted_and_the_office_returns_it_with_a_reason():
    office = make_user(role="office", email="office@example.cn")
    author = make_user(role="unit_staff", email="zhang@example.cn")
    proposal = make_proposal(author=author, submit=True)
    assert proposal.status is S.submitted and proposal.submitted_at is not None
    services.return_proposal(actor=office, proposal=proposal, reason="请补充预计成效的量化指标")
    assert proposal.status is S.returned and proposal.return_reason == "请补充预计成效的量化指标"
    [mail] = db.session.scalars(select(OutboxMessage)).all()
    assert mail.recipient == "zhang@example.cn" and "创新家庭医生服务模式" in mail.body  # a subject holds no typed text
    assert "请补充预计成效的量化指标" in mail.body and f"/proposals/{proposal.id}" in mail.body
    services.update_proposal(
        actor=author, proposal=proposal, fields=proposal_fields(proposal.round, goals="签约率达到60%")
    )
    services.submit_proposal(actor=author, proposal=proposal)
    assert proposal.status is S.resubmitted
    assert actions(proposal) == [
        "proposal.create",
        "proposal.submit",
        "proposal.return",
        "proposal.update",
        "proposal.submit",
    ]


def test_an_incomplete_draft_cannot_be_submitted_and_says_what_is_missing():
    proposal = make_proposal(goals="", background="")
    with pytest.raises(SolicitationError) as refused:
        services.submit_proposal(actor=proposal.author, proposal=proposal)
    assert refused.value.field == "background" and refused.value.params["missing"] == ["background", "goals"]
    assert proposal.status is S.draft


def test_a_submitted_proposal_is_read_only_to_the_unit():
    proposal = make_proposal(submit=True)
    with pytest.raises(SolicitationError, match="proposal_not_editable"):
        services.update_proposal(
            actor=proposal.author, proposal=proposal, fields=proposal_fields(proposal.round, title="改")
        )
    with pytest.raises(SolicitationError, match="proposal_not_editable"):
        services.add_attachment(actor=proposal.author, proposal=proposal, filename="a.pdf", data=PDF)
    db.session.refresh(proposal)
    assert proposal.title == "创新家庭医生服务模式" and proposal.attachments == []


def test_staff_of_another_unit_cannot_touch_the_proposal():
    proposal = make_proposal()
    stranger = make_user(role="unit_staff")
    for act in (
        lambda: services.update_proposal(actor=stranger, proposal=proposal, fields=proposal_fields(proposal.round)),
        lambda: services.submit_proposal(actor=stranger, proposal=proposal),
        lambda: services.withdraw_proposal(actor=stranger, proposal=proposal),
    ):
        with pytest.raises(SolicitationError, match="not_your_unit"):
            act()
    assert proposal.status is S.draft


@pytest.mark.parametrize("status_path", [(), ("submit",), ("submit", "return")])
def test_the_unit_withdraws_its_proposal_from_any_live_status(status_path):
    office = make_user(role="office")
    proposal = make_proposal()
    for step in status_path:
        if step == "submit":
            services.submit_proposal(actor=proposal.author, proposal=proposal)
        else:
            services.return_proposal(actor=office, proposal=proposal, reason="补充材料")
    services.withdraw_proposal(actor=proposal.author, proposal=proposal)
    assert proposal.status is S.withdrawn
    with pytest.raises(SolicitationError, match="already_withdrawn"):
        services.withdraw_proposal(actor=proposal.author, proposal=proposal)
    with pytest.raises(SolicitationError, match="proposal_not_editable"):
        services.submit_proposal(actor=proposal.author, proposal=proposal)


def test_the_office_returns_only_proposals_in_its_hands_and_always_with_a_reason():
    office = make_user(role="office")
    draft = make_proposal()
    with pytest.raises(SolicitationError, match="proposal_not_with_office"):
        services.return_proposal(actor=office, proposal=draft, reason="x")
    submitted = make_proposal(submit=True)
    with pytest.raises(SolicitationError, match="return_reason_required"):
        services.return_proposal(actor=office, proposal=submitted, reason="   ")
    with pytest.raises(SolicitationError):
        services.return_proposal(actor=submitted.author, proposal=submitted, reason="自己退回")
    assert submitted.status is S.submitted


def test_no_proposal_outside_the_solicitation_window_without_a_late_submission():
    office = make_user(role="office")
    round = make_open_round()
    author = make_user(role="unit_staff")
    late = clock.today() + timedelta(days=31)
    with pytest.raises(SolicitationError, match="solicitation_not_open"):
        services.create_proposal(actor=author, round=round, fields=proposal_fields(round), today=late)
    services.grant_late_submission(actor=office, round=round, unit=author.unit, until=late + timedelta(days=5))
    proposal = services.create_proposal(actor=author, round=round, fields=proposal_fields(round), today=late)
    transition_round(actor=office, round=round, target=round.status.__class__.reviewing)
    services.submit_proposal(actor=author, proposal=proposal, today=late)
    assert proposal.status is S.submitted
    other = make_user(role="unit_staff")
    with pytest.raises(SolicitationError, match="solicitation_not_open"):
        services.create_proposal(actor=other, round=round, fields=proposal_fields(round), today=late)


def test_a_round_in_preparation_takes_no_proposals():
    round = make_round()
    with pytest.raises(SolicitationError, match="solicitation_not_open"):
        make_proposal(round=round)


def test_a_category_of_another_round_is_refused():
    round, other = make_open_round(), make_open_round()
    with pytest.raises(SolicitationError, match="category_not_in_round"):
        make_proposal(round=round, category_id=other.categories[0].id)


def test_the_proposing_unit_is_not_its_own_cooperating_unit():
    author = make_user(role="unit_staff")
    with pytest.raises(SolicitationError, match="cooperating_unit_is_proposer"):
        make_proposal(author=author, cooperating_unit_ids=[author.unit_id])


def test_attachments_are_stored_outside_the_web_root_and_removed_with_their_file(app):
    proposal = make_proposal()
    attachment = services.add_attachment(actor=proposal.author, proposal=proposal, filename="../../方案.pdf", data=PDF)
    assert attachment.filename == "方案.pdf" and attachment.content_type == "application/pdf"
    stored = list(Path(app.config["UPLOAD_FOLDER"]).rglob(attachment.storage_key))
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert Path(app.static_folder) not in stored[0].parents
    services.remove_attachment(actor=proposal.author, attachment=attachment)
    assert not stored[0].exists()


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("empty.pdf", b"", "empty"),
        ("script.pdf", b"<script>alert(1)</script>", "type_not_allowed"),
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "name_mismatch"),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 64, "type_not_allowed"),
        ("fake.docx", b"PK\x03\x04not really a zip", "type_not_allowed"),
    ],
)
def test_spoofed_or_empty_uploads_are_refused(filename, data, code):
    proposal = make_proposal()
    with pytest.raises(UploadError) as refused:
        services.add_attachment(actor=proposal.author, proposal=proposal, filename=filename, data=data)
    assert refused.value.code == code
    assert proposal.attachments == []


def test_an_oversized_upload_is_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1024)
    proposal = make_proposal()
    with pytest.raises(UploadError, match="too_large"):
        services.add_attachment(actor=proposal.author, proposal=proposal, filename="big.pdf", data=PDF + b"0" * 2048)


def test_once_the_plan_is_drafted_proposals_no_longer_change():
    office = make_user(role="office")
    proposal = make_proposal(submit=True)
    for status in (RoundStatus.reviewing, RoundStatus.planning):
        transition_round(actor=office, round=proposal.round, target=status)
    with pytest.raises(SolicitationError, match="round_past_review"):
        services.withdraw_proposal(actor=proposal.author, proposal=proposal)
    with pytest.raises(SolicitationError, match="proposal_not_with_office"):
        services.return_proposal(actor=office, proposal=proposal, reason="再改改")
    assert proposal.status is S.submitted


def test_a_returned_proposal_cannot_be_edited_after_solicitation_closed_without_a_late_submission():
    office = make_user(role="office")
    proposal = make_proposal(submit=True)
    transition_round(actor=office, round=proposal.round, target=RoundStatus.reviewing)
    services.return_proposal(actor=office, proposal=proposal, reason="补充")
    proposal.round.solicitation_closes = clock.today() - timedelta(days=1)
    proposal.round.solicitation_opens = clock.today() - timedelta(days=30)
    db.session.commit()
    with pytest.raises(SolicitationError, match="solicitation_not_open"):
        services.update_proposal(actor=proposal.author, proposal=proposal, fields=proposal_fields(proposal.round))
    services.grant_late_submission(actor=office, round=proposal.round, unit=proposal.unit, until=clock.today())
    services.update_proposal(actor=proposal.author, proposal=proposal, fields=proposal_fields(proposal.round))
