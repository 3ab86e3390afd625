"""Expert profiles and assignments: who reviews which proposal, and when they see it."""

import re

from sqlalchemy import func, select

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import check_office
from core.errors import RowsRejected
from core.mail import queue_mail
from core.models import max_length
from core.spreadsheets import table_rows
from core.urls import external_url
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, ExpertProfile, ReviewStatus
from review.permissions import assignments_publish_refusal
from review.queries import DEFAULT_MAX_LOAD, is_conflicted
from review.services import settings_row
from solicitation.models import Proposal, ProposalStatus, Round

# key, the spreadsheet's header (Chinese in every language: the office fills it in)
IMPORT_COLUMNS = [("proposal", "项目编号"), ("title", "项目名称"), ("experts", "评审专家")]
# An expert's profile as columns of the accounts' import (registered in review/views/__init__.py)
PROFILE_IMPORT_COLUMNS = [("institution", "所在机构"), ("expertise", "专业领域"), ("max_load", "最多评审数")]
PROFILE_FIELDS = ["institution", "expertise", "max_load"]
EXPERT_SEPARATORS = re.compile(r"[、,，;；\n]+")


def save_expert_profile(*, actor: User, expert: User, institution: str, expertise: str, max_load: int) -> ExpertProfile:
    """Record an expert's institution, fields of expertise and maximum load."""
    check_office(actor, ReviewError)
    profile = _set_expert_profile(
        actor=actor, expert=expert, institution=institution, expertise=expertise, max_load=max_load
    )
    db.session.commit()
    return profile


def import_expert_profile(*, actor: User, user: User, values: dict[str, str]) -> None:
    """An account import row's profile columns (PROFILE_IMPORT_COLUMNS), all blank or for an expert; the import has
    checked the actor and commits, all rows or none."""
    given = [key for key, _header in PROFILE_IMPORT_COLUMNS if values.get(key)]
    if not given:
        return  # the defaults stand, as for an expert made by hand
    if user.role is not Role.expert:
        raise ReviewError("profile_not_expert", field=given[0])
    for key, attribute in (("institution", ExpertProfile.institution), ("expertise", ExpertProfile.expertise)):
        if len(values.get(key, "")) > max_length(attribute):
            raise ReviewError("value_too_long", field=key, max=max_length(attribute))
    load_text = values.get("max_load", "") or str(DEFAULT_MAX_LOAD)
    if not load_text.isdigit():
        raise ReviewError("max_load_not_number", field="max_load", value=load_text)
    _set_expert_profile(
        actor=actor,
        expert=user,
        institution=values.get("institution", ""),
        expertise=values.get("expertise", ""),
        max_load=int(load_text),
    )


def _set_expert_profile(*, actor: User, expert: User, institution: str, expertise: str, max_load: int) -> ExpertProfile:
    """Set an expert's profile in the session, checked and audited; the caller commits."""
    if expert.role is not Role.expert:
        raise ReviewError("not_an_expert", name=expert.display_name)
    if max_load < 0:
        raise ReviewError("max_load_negative", field="max_load")
    profile = db.session.get(ExpertProfile, expert.id) or ExpertProfile(user_id=expert.id)
    before = audit.snapshot(profile, PROFILE_FIELDS) if profile.user_id else None
    profile.institution, profile.expertise, profile.max_load = institution.strip(), expertise.strip(), max_load
    db.session.add(profile)
    audit.record(
        actor=actor, action="expert.profile", obj=expert, before=before, after=audit.snapshot(profile, PROFILE_FIELDS)
    )
    return profile


def max_load(expert: User) -> int:
    profile = db.session.get(ExpertProfile, expert.id)
    return profile.max_load if profile else DEFAULT_MAX_LOAD


def assign_expert(*, actor: User, expert: User, proposal: Proposal) -> Assignment:
    """Assign an expert to a proposal: never a conflicted one, never twice, never past their maximum load."""
    check_office(actor, ReviewError)
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
    check_office(actor, ReviewError)
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
    check_office(actor, ReviewError)
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
    check_office(actor, ReviewError)
    if refusal := assignments_publish_refusal(round):
        raise ReviewError(refusal)
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
    cut_percent: int | None = None,
):
    """Set the reviewers per proposal, the trimmed mean, blind review and the cut line (top N or top x %)."""
    check_office(actor, ReviewError)
    if reviewers_per_proposal < 1:
        raise ReviewError("reviewers_not_positive", field="reviewers_per_proposal")
    check_cut_line(cut_line, cut_percent)
    settings = settings_row(round)
    fields = ["reviewers_per_proposal", "trim_extremes", "blind", "cut_line", "cut_percent"]
    before = audit.snapshot(settings, fields)
    settings.reviewers_per_proposal, settings.trim_extremes = reviewers_per_proposal, trim_extremes
    settings.blind, settings.cut_line, settings.cut_percent = blind, cut_line, cut_percent
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


def check_cut_line(cut_line: int | None, cut_percent: int | None) -> None:
    """A cut line is drawn at a number of proposals or at a percentage, not both."""
    if cut_line and cut_percent:
        raise ReviewError("cut_line_twice", field="cut_percent")
    if cut_line is not None and cut_line < 1:
        raise ReviewError("cut_line_positive", field="cut_line")
    if cut_percent is not None and not 1 <= cut_percent <= 100:
        raise ReviewError("cut_percent_range", field="cut_percent")


def import_assignments(*, actor: User, round: Round, filename: str, data: bytes) -> int:
    """Assign from a spreadsheet, a proposal a row with its experts separated by 、 or commas; all rows or none.

    Experts are named by account or display name; each pair is checked as a hand assignment is (no
    conflict, within the expert's maximum), and pairs already assigned are kept. Returns how many were added.
    Raises RowsRejected listing each bad row.
    """
    check_office(actor, ReviewError)
    rows = table_rows(filename=filename, data=data, columns=IMPORT_COLUMNS, required={"proposal", "experts"})
    experts = db.session.scalars(select(User).where(User.role == Role.expert, User.active)).all()
    by_name: dict[str, set[User]] = {}
    for expert in experts:
        by_name.setdefault(expert.username, set()).add(expert)
        by_name.setdefault(expert.display_name, set()).add(expert)
    taken = {
        (a.proposal_id, a.expert_id)
        for a in db.session.scalars(select(Assignment).join(Assignment.proposal).where(Proposal.round_id == round.id))
    }
    headers, problems, created = dict(IMPORT_COLUMNS), [], 0
    for line, values in rows:
        try:
            proposal = _proposal_numbered(values["proposal"], round)
            names = [name.strip() for name in EXPERT_SEPARATORS.split(values.get("experts", "")) if name.strip()]
            if not names:
                raise ReviewError("import_no_expert", field="experts")
            for name in names:
                matches = by_name.get(name, set())
                if len(matches) != 1:
                    raise ReviewError(
                        "unknown_expert" if not matches else "ambiguous_expert", field="experts", name=name
                    )
                expert = next(iter(matches))
                if (proposal.id, expert.id) in taken:
                    continue
                _check_assignable(expert, proposal)
                db.session.add(Assignment(expert=expert, proposal=proposal, assigned_by_id=actor.id))
                db.session.flush()  # the next row's load counts this one
                taken.add((proposal.id, expert.id))
                created += 1
        except ReviewError as error:
            problems.append((line, headers.get(error.field, headers["experts"]), error))
    if problems:
        db.session.rollback()  # all or nothing
        raise RowsRejected(problems)
    audit.record(actor=actor, action="assignment.import", obj=round, after={"file": filename, "assignments": created})
    db.session.commit()
    return created


def _proposal_numbered(text: str, round: Round) -> Proposal:
    proposal = db.session.get(Proposal, int(text)) if text.isdigit() else None
    if proposal is None or proposal.round_id != round.id:
        raise ReviewError("unknown_proposal", field="proposal", number=text or "—")
    if proposal.submitted_at is None or proposal.status is ProposalStatus.withdrawn:
        raise ReviewError("proposal_not_reviewable", field="proposal")
    return proposal
