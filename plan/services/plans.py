"""State changes of the plan: drafting it from the selected proposals, its key projects, its transitions.

Each checks who and from which state, writes an AuditEvent and commits.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts import audit, edits
from accounts.models import Role, Unit, User
from core.models import utcnow
from extensions import db
from plan.errors import PlanError
from plan.models import PLAN_TRANSITIONS, KeyProject, Milestone, Plan, PlanStatus, PlanVersion
from plan.queries import plan_snapshot
from review.models import Decision, Screening
from review.ranking import rank_round
from solicitation.models import Proposal, Round, RoundStatus
from solicitation.queries import category_in_round

PROJECT_TEXT = ["title", "problem", "principles", "content", "innovation", "goals", "lead_leader", "origin"]


def _check_office(actor: User | None) -> None:
    if actor is None or actor.role is not Role.office:
        raise PlanError("office_only")


def _check_draft(plan: Plan) -> None:
    if plan.status is not PlanStatus.draft:
        raise PlanError("plan_not_draft", status=plan.status)


def _record_version(actor: User | None, plan: Plan) -> PlanVersion:
    version = PlanVersion(
        plan=plan, version=plan.version, status=plan.status, snapshot=plan_snapshot(plan), created_by=actor
    )
    db.session.add(version)
    return version


def create_plan(*, actor: User, round: Round) -> Plan:
    """Draft the round's plan: one key project per selected proposal, in ranking order, their text copied."""
    _check_office(actor)
    if round.status is not RoundStatus.planning:
        raise PlanError("round_not_planning")
    if db.session.scalar(select(Plan.id).where(Plan.round_id == round.id)):
        raise PlanError("plan_exists")
    plan = Plan(round=round, title=round.title, status=PlanStatus.draft, version=1)
    # The selected proposals whole (the ranking loads only a list's columns), in one query.
    selected = db.session.scalars(
        select(Proposal)
        .join(Screening, Screening.proposal_id == Proposal.id)
        .options(selectinload(Proposal.cooperating_units))
        .where(
            Proposal.round_id == round.id,
            Screening.decision == Decision.selected,
            Screening.published_at.is_not(None),
        )
    ).all()
    rank = {row.proposal.id: index for index, row in enumerate(rank_round(round.id, details=False).rows)}
    for position, proposal in enumerate(sorted(selected, key=lambda p: rank.get(p.id, len(rank))), start=1):
        plan.projects.append(
            KeyProject(
                position=position,
                proposal=proposal,
                title=proposal.title,
                category_id=proposal.category_id,
                problem=proposal.background,
                content=proposal.content,
                innovation=proposal.innovation,
                goals=proposal.goals,
                lead_unit_id=proposal.unit_id,
                cooperating_units=list(proposal.cooperating_units),
            )
        )
    db.session.add(plan)
    audit.record(actor=actor, action="plan.create", obj=plan, after={"projects": len(plan.projects)})
    db.session.commit()
    return plan


def _apply(project: KeyProject, fields: dict, cooperating_unit_ids, milestones: dict[int, str]) -> None:
    title = (fields.get("title") or "").strip()
    if not title:
        raise PlanError("title_required", field="title")
    category_id = fields.get("category_id")
    if not category_in_round(category_id, project.plan.round_id):
        raise PlanError("category_not_in_round", field="category_id")
    for name in PROJECT_TEXT:
        setattr(project, name, (fields.get(name) or "").strip())
    project.category_id = category_id
    project.lead_unit_id = fields.get("lead_unit_id")
    project.cooperating_units = list(db.session.scalars(select(Unit).where(Unit.id.in_(list(cooperating_unit_ids)))))
    existing = {m.quarter: m for m in project.milestones}
    for quarter in (1, 2, 3, 4):
        target = (milestones.get(quarter) or "").strip()
        if target and quarter in existing:
            existing[quarter].target = target
        elif target:
            project.milestones.append(Milestone(quarter=quarter, target=target))
        elif quarter in existing:
            project.milestones.remove(existing[quarter])


def _project_record(project: KeyProject) -> dict:
    data = audit.snapshot(project, [*PROJECT_TEXT, "category_id", "lead_unit_id", "position"])
    data["cooperating_units"] = [unit.name for unit in project.cooperating_units]
    data["milestones"] = {str(m.quarter): m.target for m in project.milestones}
    return data


def add_key_project(
    *, actor: User, plan: Plan, fields: dict, cooperating_unit_ids=(), milestones: dict[int, str] | None = None
) -> KeyProject:
    """Add a key project that came from no proposal (e.g. a task handed down by the city), last in the list."""
    _check_office(actor)
    _check_draft(plan)
    project = KeyProject(position=len(plan.projects) + 1)
    plan.projects.append(project)
    _apply(project, fields, cooperating_unit_ids, milestones or {})
    audit.record(actor=actor, action="key_project.create", obj=project, after=_project_record(project))
    db.session.commit()
    return project


def update_key_project(
    *,
    actor: User,
    project: KeyProject,
    fields: dict,
    cooperating_unit_ids=(),
    milestones: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> KeyProject:
    """Edit a key project's text, leaders, units and quarterly milestones while the plan is a draft, unless
    it changed since `expected_version`."""
    _check_office(actor)
    with edits.saving(project, expected_version):
        _check_draft(project.plan)
        before = _project_record(project)
        _apply(project, fields, cooperating_unit_ids, milestones or {})
        audit.record(
            actor=actor, action="key_project.update", obj=project, before=before, after=_project_record(project)
        )
        db.session.commit()
    return project


def _renumber(plan: Plan) -> None:
    for position, project in enumerate(sorted(plan.projects, key=lambda p: p.position), start=1):
        project.position = position


def remove_key_project(*, actor: User, project: KeyProject) -> None:
    """Take a project out of the draft plan; those after it move up a number."""
    _check_office(actor)
    plan = project.plan
    _check_draft(plan)
    audit.record(actor=actor, action="key_project.delete", obj=project, before=_project_record(project))
    plan.projects.remove(project)
    _renumber(plan)
    db.session.commit()


def move_key_project(*, actor: User, project: KeyProject, offset: int) -> KeyProject:
    """Move a project one place up (offset -1) or down (+1); the numbers 一、二、三… follow the order."""
    _check_office(actor)
    plan = project.plan
    _check_draft(plan)
    ordered = sorted(plan.projects, key=lambda p: p.position)
    index = ordered.index(project)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        raise PlanError("cannot_move")
    other = ordered[target]
    before = project.position
    project.position, other.position = other.position, project.position
    audit.record(
        actor=actor,
        action="key_project.move",
        obj=project,
        before={"position": before},
        after={"position": project.position},
    )
    db.session.commit()
    return project


def transition_plan(
    *,
    actor: User,
    plan: Plan,
    target: PlanStatus,
    meeting: str = "",
    approved_on: date | None = None,
    expected_version: int | None = None,
) -> Plan:
    """Move the plan: draft → 送审稿 → 审议通过 (with the meeting and its date) → published; each move keeps
    a snapshot. A published plan changes only through a new version, which starts again as a draft.
    Refused if the plan moved since the page asking for this (`expected_version`) was opened."""
    _check_office(actor)
    with edits.saving(plan, expected_version):
        if target not in PLAN_TRANSITIONS[plan.status]:
            raise PlanError("transition_not_allowed", current=plan.status, target=target)
        if target is PlanStatus.submitted_for_review:
            if not plan.projects:
                raise PlanError("plan_empty")
            incomplete = next((p for p in plan.projects if not (p.lead_leader and p.lead_unit_id)), None)
            if incomplete is not None:
                raise PlanError("project_incomplete", number=incomplete.number)
        if target is PlanStatus.approved:
            if not meeting.strip() or approved_on is None:
                raise PlanError("meeting_required", field="meeting")
            plan.meeting, plan.approved_on = meeting.strip(), approved_on
        before = {"status": plan.status.value, "version": plan.version}
        if plan.status is PlanStatus.published:  # a new version
            plan.version += 1
            plan.meeting, plan.approved_on = "", None
        plan.status = target
        if target is PlanStatus.published:
            plan.published_at = utcnow()
        _record_version(actor, plan)
        audit.record(
            actor=actor,
            action="plan.transition",
            obj=plan,
            before=before,
            after={"status": target.value, "version": plan.version, "meeting": plan.meeting},
        )
        db.session.commit()
    return plan
