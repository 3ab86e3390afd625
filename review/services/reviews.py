"""Experts' reviews: scores per criterion, comment, recommendation; draft, submit, and the office's reopen."""

from sqlalchemy import select

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from review.errors import ReviewError
from review.models import (
    Assignment,
    Criterion,
    Familiarity,
    Recommendation,
    Review,
    ReviewStatus,
    Score,
)
from review.permissions import review_refusal
from review.queries import is_conflicted
from review.scoring import weighted_total
from review.services.standings import refresh_standings

FIELDS = ["status", "comment", "recommendation", "familiarity"]


def _check_expert(actor: User, assignment: Assignment) -> None:
    if actor.id != assignment.expert_id or is_conflicted(actor.id, assignment.proposal_id):
        raise ReviewError("not_your_assignment")
    if not assignment.published:
        raise ReviewError("assignment_not_published")
    if refusal := review_refusal(assignment):
        raise ReviewError(refusal)


def _snapshot(review: Review) -> dict:
    data = audit.snapshot(review, FIELDS)
    data["scores"] = {str(score.criterion_id): score.value for score in review.scores}
    return data


def save_review(
    *,
    actor: User,
    assignment: Assignment,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    recommendation: Recommendation | None,
    familiarity: Familiarity | None,
    submit: bool = False,
) -> Review:
    """Save the expert's draft: a score (and short comment) per criterion, the 点评, recommendation, familiarity.

    With `submit`, submit it as well, in the same transaction: a submission refused saves nothing of the draft.
    """
    review = _save_draft(
        actor=actor,
        assignment=assignment,
        scores=scores,
        comment=comment,
        recommendation=recommendation,
        familiarity=familiarity,
    )
    if submit:
        try:
            review = _submit(actor=actor, assignment=assignment)
        except ReviewError:
            db.session.rollback()  # one unit of work: the draft goes with the refused submission
            raise
    db.session.commit()
    return review


def submit_review(*, actor: User, assignment: Assignment) -> Review:
    """Submit a complete draft; from then on it is locked."""
    review = _submit(actor=actor, assignment=assignment)
    db.session.commit()
    return review


def _save_draft(
    *,
    actor: User,
    assignment: Assignment,
    scores: dict[int, tuple[int | None, str]],
    comment: str,
    recommendation: Recommendation | None,
    familiarity: Familiarity | None,
) -> Review:
    """Check and write the draft, flushed but not committed: the caller ends the transaction."""
    _check_expert(actor, assignment)
    criteria = {
        c.id: c for c in db.session.scalars(select(Criterion).where(Criterion.round_id == assignment.proposal.round_id))
    }
    for criterion_id, (value, _note) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None or (value is not None and not 0 <= value <= criterion.max_score):
            raise ReviewError(
                "score_out_of_range", field=f"score_{criterion_id}", max=criterion.max_score if criterion else 0
            )
    review = assignment.review or Review(assignment=assignment)
    before = _snapshot(review) if review.id else None
    review.comment, review.recommendation, review.familiarity = comment.strip(), recommendation, familiarity
    existing = {score.criterion_id: score for score in review.scores}
    for criterion_id, (value, note) in scores.items():
        score = existing.get(criterion_id)
        if value is None:
            if score is not None:
                review.scores.remove(score)
            continue
        if score is None:
            score = Score(criterion_id=criterion_id, value=value)
            review.scores.append(score)
        score.value, score.comment = value, (note or "").strip()[:500]
    db.session.add(review)
    audit.record(actor=actor, action="review.save", obj=review, before=before, after=_snapshot(review))
    db.session.flush()
    return review


def _submit(*, actor: User, assignment: Assignment) -> Review:
    """Check and lock a complete draft, flushed but not committed: the caller ends the transaction."""
    _check_expert(actor, assignment)
    review = assignment.review
    criteria = db.session.scalars(select(Criterion.id).where(Criterion.round_id == assignment.proposal.round_id)).all()
    scored = {score.criterion_id for score in review.scores} if review else set()
    missing = [cid for cid in criteria if cid not in scored]
    if review is None or missing:
        raise ReviewError("score_missing", field=f"score_{missing[0]}" if missing else None)
    if review.recommendation is None:
        raise ReviewError("recommendation_missing", field="recommendation")
    counted = db.session.scalars(
        select(Criterion).where(Criterion.round_id == assignment.proposal.round_id, Criterion.counted)
    ).all()
    values = {score.criterion_id: score.value for score in review.scores}
    review.total = weighted_total(values, [(c.id, c.weight, c.max_score) for c in counted])
    review.status, review.submitted_at = ReviewStatus.submitted, utcnow()
    audit.record(
        actor=actor, action="review.submit", obj=review, before={"status": "draft"}, after={"status": "submitted"}
    )
    db.session.flush()
    refresh_standings(assignment.proposal.round_id)
    return review


def reopen_review(*, actor: User, review: Review) -> Review:
    """The office unlocks a submitted review so that its expert can change it."""
    check_office(actor, ReviewError)
    if review.status is not ReviewStatus.submitted:
        raise ReviewError("review_not_submitted")
    review.status, review.total = ReviewStatus.draft, None
    audit.record(
        actor=actor, action="review.reopen", obj=review, before={"status": "submitted"}, after={"status": "draft"}
    )
    db.session.flush()
    refresh_standings(review.assignment.proposal.round_id)
    db.session.commit()
    return review
