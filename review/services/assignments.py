"""Expert profiles and assignments: who reviews which proposal, and when they see it."""

from sqlalchemy import func, select

from accounts import audit
from accounts.models import Role, User
from core.mail import queue_mail
from core.web import external_url
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, ExpertProfile, ReviewSettings, ReviewStatus
from review.queries import DEFAULT_MAX_LOAD, is_conflicted
from review.services import require_office
from solicitation.models import Proposal, ProposalStatus, Round


def save_expert_profile(*, actor: User, expert: User, institution: str, expertise: str, max_load: int) -> ExpertProfile:
    """Record an expert's institution, fields of expertise and maximum load."""
    require_office(actor)
    if expert.role is not Role.expert:
        raise ReviewError("not_an_expert", name=expert.display_name)
    if max_load < 0:
        raise ReviewError("max_load_negative", field="max_load")
    profile = db.session.get(ExpertProfile, expert.id) or ExpertProfile(user_id=expert.id)
    before = audit.snapshot(profile, ["institution", "expertise", "max_load"]) if profile.user_id else None
    profile.institution, profile.expertise, profile.max_load = institution.strip(), expertise.strip(), max_load
    db.session.add(profile)
    audit.record(
        actor=actor,
        action="expert.profile",
        obj=expert,
        before=before,
        after=audit.snapshot(profile, ["institution", "expertise", "max_load"]),
    )
    db.session.commit()
    return profile


def max_load(expert: User) -> int:
    profile = db.session.get(ExpertProfile, expert.id)
    return profile.max_load if profile else DEFAULT_MAX_LOAD


def assign_expert(*, actor: User, expert: User, proposal: Proposal) -> Assignment:
    """Assign an expert to a proposal: never a conflicted one, never twice, never past their maximum load."""
    require_office(actor)
    _check_assignable(expert, proposal)
    assignment = Assignment(expert=expert, proposal=proposal, assigned_by_id=actor.id)
    db.session.add(assignment)
    audit.record(
        actor=actor,
        action="assignment.create",
        obj=assignment,
        after={"expert_id": expert.id, "proposal_id": proposal.id},
    )
    db.session.commit()
    return assignment


def _check_assignable(expert: User, proposal: Proposal) -> None:
    if expert.role is not Role.expert or not expert.active:
        raise ReviewError("not_an_expert", field="expert_id", name=expert.display_name)
    if proposal.submitted_at is None or proposal.status is ProposalStatus.withdrawn:
        raise ReviewError("proposal_not_reviewable")
    if is_conflicted(expert.id, proposal.id):
        raise ReviewError("conflict_of_interest", field="expert_id", name=expert.display_name)
    taken = select(Assignment.id).where(Assignment.expert_id == expert.id, Assignment.proposal_id == proposal.id)
    if db.session.scalar(taken):
        raise ReviewError("already_assigned", field="expert_id", name=expert.display_name)
    load = db.session.scalar(
        select(func.count(Assignment.id))
        .join(Assignment.proposal)
        .where(Assignment.expert_id == expert.id, Proposal.round_id == proposal.round_id)
    )
    if load >= max_load(expert):
        raise ReviewError("over_max_load", field="expert_id", name=expert.display_name, load=load)


def apply_assignments(*, actor: User, round: Round, pairs: list[tuple[int, int]]) -> int:
    """Create the previewed (proposal, expert) pairs, each checked as a hand assignment is, all or none."""
    require_office(actor)
    created = 0
    for proposal_id, expert_id in pairs:
        proposal, expert = db.session.get(Proposal, proposal_id), db.session.get(User, expert_id)
        if proposal is None or expert is None or proposal.round_id != round.id:
            raise ReviewError("proposal_not_reviewable")
        _check_assignable(expert, proposal)
        db.session.add(Assignment(expert=expert, proposal=proposal, assigned_by_id=actor.id))
        db.session.flush()  # the next pair's load counts this one
        created += 1
    audit.record(actor=actor, action="assignment.auto", obj=round, after={"assignments": created})
    db.session.commit()
    return created


def unassign_expert(*, actor: User, assignment: Assignment) -> None:
    """Take an assignment back, unless the expert has submitted the review."""
    require_office(actor)
    if assignment.review is not None and assignment.review.status is ReviewStatus.submitted:
        raise ReviewError("review_exists")
    audit.record(
        actor=actor,
        action="assignment.delete",
        obj=assignment,
        before={"expert_id": assignment.expert_id, "proposal_id": assignment.proposal_id},
    )
    db.session.delete(assignment)
    db.session.commit()


def publish_assignments(*, actor: User, round: Round) -> int:
    """Let experts see their new assignments of the round, and tell them by mail. Return how many."""
    require_office(actor)
    pending = db.session.scalars(
        select(Assignment).join(Assignment.proposal).where(Proposal.round_id == round.id, ~Assignment.published)
    ).all()
    experts = set()
    for assignment in pending:
        assignment.published = True
        experts.add(assignment.expert)
    audit.record(actor=actor, action="assignment.publish", obj=round, after={"assignments": len(pending)})
    url = external_url("review.my_reviews")
    for expert in experts:
        if expert.email:
            queue_mail(to=expert.email, template="assignments_published", expert=expert, round=round, url=url)
    db.session.commit()
    return len(pending)


def save_review_settings(
    *,
    actor: User,
    round: Round,
    reviewers_per_proposal: int,
    trim_extremes: bool,
    blind: bool,
    cut_line: int | None = None,
):
    """Set the reviewers per proposal, the trimmed mean, blind review and the screening's cut line."""
    require_office(actor)
    if reviewers_per_proposal < 1:
        raise ReviewError("reviewers_not_positive", field="reviewers_per_proposal")
    settings = db.session.get(ReviewSettings, round.id) or ReviewSettings(round_id=round.id)
    fields = ["reviewers_per_proposal", "trim_extremes", "blind", "cut_line"]
    before = audit.snapshot(settings, fields)
    settings.reviewers_per_proposal, settings.trim_extremes = reviewers_per_proposal, trim_extremes
    settings.blind, settings.cut_line = blind, cut_line
    db.session.add(settings)
    audit.record(
        actor=actor,
        action="round.review_settings",
        obj=round,
        before=before,
        after=audit.snapshot(settings, fields),
    )
    db.session.commit()
    return settings
