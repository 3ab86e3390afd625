"""The review's actions follow the round's phase: assignments reach experts only once they can score, and the
office decides only in the office decision stage; a page offers neither earlier."""

import pytest
from sqlalchemy import select

from core.mail import OutboxMessage
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, ReviewStage
from review.services import assignments, stages
from solicitation.models import RoundStatus
from solicitation.services.rounds import transition_round
from tests.factories import make_criterion, make_open_round, make_proposal, make_user


@pytest.fixture
def assigned():
    """A soliciting round with a submitted proposal assigned (not yet published) to an expert with an email."""
    office = make_user(role="office")
    round = make_open_round(actor=office)
    make_criterion(round=round, actor=office)
    proposal = make_proposal(round=round, submit=True)
    expert = make_user(role="expert", email="liu@example.cn")
    assignments.assign_expert(actor=office, expert=expert, proposal=proposal)
    return {"office": office, "round": round, "proposal": proposal, "expert": expert}


def test_office_cannot_publish_assignments_while_the_round_is_soliciting(assigned):
    with pytest.raises(ReviewError, match="assignments_before_review"):
        assignments.publish_assignments(actor=assigned["office"], round=assigned["round"])
    assert not db.session.scalar(select(Assignment)).published
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "liu@example.cn")) is None


def test_the_board_offers_publishing_only_under_review_and_says_why_before(client, assigned):
    round = assigned["round"]
    client.login(assigned["office"])
    page = client.get(f"/rounds/{round.id}/assignments").get_data(as_text=True)
    assert f"/rounds/{round.id}/assignments/publish" not in page and "须在轮次进入“评审中”后" in page
    answer = client.post(f"/rounds/{round.id}/assignments/publish", follow_redirects=True).get_data(as_text=True)
    assert "请先将轮次推进到“评审中”" in answer and not db.session.scalar(select(Assignment)).published
    transition_round(actor=assigned["office"], round=round, target=RoundStatus.reviewing)
    assert f"/rounds/{round.id}/assignments/publish" in client.get(f"/rounds/{round.id}/assignments").get_data(
        as_text=True
    )
    client.post(f"/rounds/{round.id}/assignments/publish")
    assert db.session.scalar(select(Assignment)).published
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "liu@example.cn"))


def test_the_decision_form_appears_only_in_the_office_decision_stage(client, assigned):
    office, round, proposal = assigned["office"], assigned["round"], assigned["proposal"]
    client.login(office)
    decide = f"/proposals/{proposal.id}/decision"
    transition_round(actor=office, round=round, target=RoundStatus.reviewing)
    for stage in (ReviewStage.independent, ReviewStage.discussion):
        if stage is not ReviewStage.independent:
            stages.move_stage(actor=office, round=round, stage=stage)
        page = client.get(f"/proposals/{proposal.id}/reviews").get_data(as_text=True)
        assert decide not in page and "改革办决定" in page
    stages.move_stage(actor=office, round=round, stage=ReviewStage.decision)
    assert decide in client.get(f"/proposals/{proposal.id}/reviews").get_data(as_text=True)
    assert f"/rounds/{round.id}/decisions/publish" in client.get(f"/rounds/{round.id}/ranking").get_data(as_text=True)
