"""Experts' short-form screening of residents' suggestions: the office sends them out, experts score them."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from review.errors import ReviewError
from review.models import ExpertProfile, ReviewStage, SuggestionReview
from review.queries import expertise_matches, review_settings, suggestion_scale
from review.solver import Problem, solve
from solicitation.models import TAKEN_UP, Round, RoundStatus, Suggestion

SCREENING_ROUNDS = {RoundStatus.soliciting, RoundStatus.reviewing}


def _check_open(round: Round) -> None:
    if round.status not in SCREENING_ROUNDS or review_settings(round.id).stage is ReviewStage.decision:
        raise ReviewError("screening_closed")


def send_to_screening(*, actor: User, round: Round, suggestion_ids: list[int]) -> dict[int, int]:
    """Give each chosen suggestion k screening experts (k as for proposals), loads balanced, fields preferred.

    Experts already screening a suggestion keep it. Returns the suggestions still short of experts
    (suggestion -> how many), when there are fewer experts than k.
    """
    check_office(actor, ReviewError)
    _check_open(round)
    suggestions = db.session.scalars(
        select(Suggestion)
        .options(selectinload(Suggestion.category))
        .where(Suggestion.id.in_(suggestion_ids), Suggestion.round_id == round.id)
    ).all()
    if not suggestions:
        raise ReviewError("nothing_chosen")
    if any(s.status not in TAKEN_UP for s in suggestions):
        raise ReviewError("suggestion_not_taken_up")
    experts = db.session.execute(
        select(User, ExpertProfile.expertise)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .where(User.role == Role.expert, User.active)
    ).all()
    if not experts:
        raise ReviewError("no_experts")
    existing = set(
        db.session.execute(
            select(SuggestionReview.suggestion_id, SuggestionReview.expert_id)
            .join(SuggestionReview.suggestion)
            .where(Suggestion.round_id == round.id)
        ).all()
    )
    loads = {expert.id: 0 for expert, _fields in experts}
    for _suggestion, expert_id in existing:
        if expert_id in loads:
            loads[expert_id] += 1
    k = review_settings(round.id).reviewers_per_proposal
    # A short form takes minutes: no per-expert maximum, only the balance, so the cap just bounds the graph.
    cap = max(loads.values()) + -(-len(suggestions) * k // len(experts)) + 1
    solution = solve(
        Problem(
            proposals=[s.id for s in suggestions],
            experts={expert.id: cap for expert, _fields in experts},
            k=k,
            existing=existing,
            matches=expertise_matches(suggestions, {expert.id: fields for expert, fields in experts}),
        )
    )
    for suggestion_id, expert_id in solution.new:
        db.session.add(SuggestionReview(suggestion_id=suggestion_id, expert_id=expert_id, assigned_by_id=actor.id))
    audit.record(
        actor=actor,
        action="suggestion_review.send",
        obj=round,
        after={"suggestions": [s.id for s in suggestions], "assignments": len(solution.new)},
    )
    db.session.commit()
    return solution.short


def screen_suggestion(
    *, actor: User, screening: SuggestionReview, score: int | None, comment: str, worth_a_project: bool | None
) -> SuggestionReview:
    """The expert's short form: a score on the round's scale, a comment, worth a project or not."""
    if actor.id != screening.expert_id:
        raise ReviewError("not_your_assignment")
    _check_open(screening.suggestion.round)
    scale = suggestion_scale(screening.suggestion.round_id)
    if score is None or not 0 <= score <= scale:
        raise ReviewError("score_out_of_range", field="score", max=scale)
    if worth_a_project is None:
        raise ReviewError("worth_missing", field="worth_a_project")
    fields = ["score", "comment", "worth_a_project"]
    before = audit.snapshot(screening, fields) if screening.submitted_at else None
    screening.score, screening.comment, screening.worth_a_project = score, comment.strip(), worth_a_project
    screening.submitted_at = utcnow()
    audit.record(
        actor=actor,
        action="suggestion_review.submit",
        obj=screening,
        before=before,
        after=audit.snapshot(screening, fields),
    )
    db.session.commit()
    return screening
