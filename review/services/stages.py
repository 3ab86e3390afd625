"""The stages of a round's review and its deadline: the office moves through them and reminds late experts."""

from datetime import date

from sqlalchemy import select

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core import clock
from core.mail import queue_mail
from core.models import utcnow
from core.urls import external_url
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Review, ReviewSettings, ReviewStage, ReviewStatus
from review.permissions import stage_refusal
from review.queries import expert_progress
from review.services import settings_row
from solicitation.models import Proposal, Round

STAGES = list(ReviewStage)


def move_stage(*, actor: User, round: Round, stage: ReviewStage) -> ReviewSettings:
    """Move the round's review one stage forward or back: independent ⇄ discussion ⇄ decision."""
    check_office(actor, ReviewError)
    if refusal := stage_refusal(round):
        raise ReviewError(refusal)
    settings = settings_row(round)
    if abs(STAGES.index(stage) - STAGES.index(settings.stage)) != 1:
        raise ReviewError("stage_not_adjacent", current=settings.stage.label, target=stage.label)
    before = {"stage": settings.stage.value}
    settings.stage = stage
    audit.record(actor=actor, action="review.stage", obj=round, before=before, after={"stage": stage.value})
    db.session.commit()
    return settings


def save_stage_dates(
    *, actor: User, round: Round, discussion_until: date | None, decision_until: date | None
) -> ReviewSettings:
    """Plan when the panel discussion and the office's decision end (independent scoring ends at the deadline)."""
    check_office(actor, ReviewError)
    if discussion_until and discussion_until < round.review_deadline:
        raise ReviewError("discussion_before_deadline", field="discussion_until", deadline=round.review_deadline)
    if decision_until and discussion_until and decision_until < discussion_until:
        raise ReviewError("decision_before_discussion", field="decision_until")
    settings = settings_row(round)
    fields = ["discussion_until", "decision_until"]
    before = audit.snapshot(settings, fields)
    settings.discussion_until, settings.decision_until = discussion_until, decision_until
    audit.record(
        actor=actor, action="review.stage_dates", obj=round, before=before, after=audit.snapshot(settings, fields)
    )
    db.session.commit()
    return settings


def deadline_passed(round: Round) -> bool:
    """Whether the round's review deadline is behind the district's today: experts with reviews outstanding are late."""
    return clock.today() > round.review_deadline


def remind_experts(*, actor: User, round: Round, expert_ids: set[int] | None = None) -> tuple[int, int]:
    """Mail each expert (of `expert_ids`, or all) who has reviews outstanding in the round.

    Returns (experts reminded, experts left out for want of an email address).
    """
    check_office(actor, ReviewError)
    late = [p for p in expert_progress(round.id) if p.outstanding and (expert_ids is None or p.expert.id in expert_ids)]
    if not late:
        raise ReviewError("nothing_to_remind")
    url, now = external_url("review.my_reviews"), utcnow()
    reminded = [p for p in late if p.expert.email]
    for progress in reminded:
        queue_mail(
            to=progress.expert.email,
            template="review_reminder",
            expert=progress.expert,
            round=round,
            outstanding=progress.outstanding,
            url=url,
        )
    # Their assignments still to review, marked in one query rather than one an expert.
    outstanding = (
        select(Assignment)
        .join(Assignment.proposal)
        .outerjoin(Assignment.review)
        .where(
            Assignment.expert_id.in_([p.expert.id for p in reminded]),
            Proposal.round_id == round.id,
            Assignment.published,
            (Review.id.is_(None)) | (Review.status != ReviewStatus.submitted),
        )
    )
    for assignment in db.session.scalars(outstanding):
        assignment.reminded_at = now
    audit.record(
        actor=actor,
        action="review.remind",
        obj=round,
        after={"experts": [p.expert.id for p in reminded], "without_email": len(late) - len(reminded)},
    )
    db.session.commit()
    return len(reminded), len(late) - len(reminded)
