"""State changes of the plan: drafting it from the selected proposals, its transitions, its versions.

Each checks who and from which state, writes an AuditEvent and commits.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts import audit, edits
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from plan.errors import PlanError
from plan.models import PLAN_TRANSITIONS, KeyProject, Numbering, Plan, PlanPart, PlanStatus, PlanVersion
from plan.queries import plan_snapshot
from plan.services import documents
from review.models import Decision, Screening
from review.queries import ranks
from solicitation.models import Proposal, Round, RoundStatus


def check_draft(plan: Plan) -> None:
    """Refuse a change of the plan's text unless the plan is a draft."""
    if plan.status is not PlanStatus.draft:
        raise PlanError("plan_not_draft", status=plan.status)


def plan_groups(plan: Plan) -> list[list[KeyProject]]:
    """The plan's projects in order, by part: each part's in the parts' order, then those in no part."""
    order = {part.id: index for index, part in enumerate(plan.parts)} | {None: len(plan.parts)}
    groups: list[list[KeyProject]] = [[] for _ in order]
    for project in sorted(plan.projects, key=lambda p: p.position):
        groups[order.get(project.part_id, len(plan.parts))].append(project)
    return groups


def set_positions(groups: list[list[KeyProject]]) -> None:
    for position, project in enumerate((p for group in groups for p in group), start=1):
        project.position = position


def renumber(plan: Plan) -> None:
    """Give the projects positions 1, 2, 3 … through the plan, each part's together in the parts' order."""
    db.session.flush()  # a project's new part, and a part added, have their ids
    set_positions(plan_groups(plan))


def _record_version(actor: User | None, plan: Plan) -> PlanVersion:
    version = PlanVersion(
        plan=plan, version=plan.version, status=plan.status, snapshot=plan_snapshot(plan), created_by=actor
    )
    db.session.add(version)
    return version


def create_plan(*, actor: User, round: Round, title: str | None = None, from_selection: bool = True) -> Plan:
    """Draft a plan (one named list) of the round, titled as the round unless named. From the selection: one key
    project per selected proposal not yet in another of the round's plans, in ranking order, their text copied;
    otherwise empty, for tasks handed down that the office enters itself."""
    check_office(actor, PlanError)
    if round.status is not RoundStatus.planning:
        raise PlanError("round_not_planning")
    title = round.title if title is None else title.strip()
    if not title:
        raise PlanError("field_required", field="title")
    if db.session.scalar(select(Plan.id).where(Plan.round_id == round.id, Plan.title == title)):
        raise PlanError("plan_exists", field="title", title=title)
    plan = Plan(round=round, title=title, status=PlanStatus.draft, version=1)
    # Its parts (板块) are the round's categories to start with; the office renames, adds and removes them.
    parts = {c.id: PlanPart(title=c.name, position=i) for i, c in enumerate(round.categories, start=1)}
    plan.parts = list(parts.values())
    db.session.add(plan)
    if from_selection:
        _add_selected_proposals(plan, parts)
        renumber(plan)  # the ranking's order within each part
    audit.record(actor=actor, action="plan.create", obj=plan, after={"title": title, "projects": len(plan.projects)})
    db.session.commit()
    return plan


def _add_selected_proposals(plan: Plan, parts: dict) -> None:
    round = plan.round
    in_a_plan = (
        select(KeyProject.proposal_id).join(Plan).where(Plan.round_id == round.id, KeyProject.proposal_id.is_not(None))
    )
    # The selected proposals whole (the ranking loads only a list's columns), in one query.
    selected = db.session.scalars(
        select(Proposal)
        .join(Screening, Screening.proposal_id == Proposal.id)
        .options(selectinload(Proposal.cooperating_units))
        .where(
            Proposal.round_id == round.id,
            Screening.decision == Decision.selected,
            Screening.published_at.is_not(None),
            Proposal.id.not_in(in_a_plan),
        )
    ).all()
    rank = {proposal_id: index for index, proposal_id in enumerate(ranks(round.id))}
    for position, proposal in enumerate(sorted(selected, key=lambda p: rank.get(p.id, len(rank))), start=1):
        plan.projects.append(
            KeyProject(
                position=position,
                part=parts.get(proposal.category_id),
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


def transition_plan(
    *,
    actor: User,
    plan: Plan,
    target: PlanStatus,
    meeting: str = "",
    approved_on: date | None = None,
    document_number: str = "",
    expected_version: int | None = None,
) -> Plan:
    """Move the plan: draft → 送审稿 → 审议通过 (with the meeting and its date) → published; each move keeps
    a snapshot, and its 发文字号 (optional) with its approval; publishing has the worker make its PDF. A published
    plan changes only through a new version, which starts again as a draft.
    Refused if the plan moved since the page asking for this (`expected_version`) was opened."""
    check_office(actor, PlanError)
    with edits.saving(plan, expected_version):
        if target not in PLAN_TRANSITIONS[plan.status]:
            raise PlanError("transition_not_allowed", current=plan.status, target=target)
        if target is PlanStatus.submitted_for_review:
            if not plan.projects:
                raise PlanError("plan_empty")
            incomplete = next((p for p in plan.projects if not p.lead_unit_id), None)
            if incomplete is not None:
                raise PlanError("project_without_lead_unit", number=incomplete.number)
            incomplete = plan.requires_lead_leader and next((p for p in plan.projects if not p.lead_leader_name), None)
            if incomplete:
                raise PlanError("project_incomplete", number=incomplete.number)
        if target is PlanStatus.approved:
            if not meeting.strip() or approved_on is None:
                raise PlanError("meeting_required", field="meeting")
            plan.meeting, plan.approved_on = meeting.strip(), approved_on
            plan.document_number = document_number.strip()
        before = {"status": plan.status.value, "version": plan.version}
        if plan.status is PlanStatus.published:  # a new version
            plan.version += 1
            plan.meeting, plan.approved_on, plan.document_number = "", None, ""
        plan.status = target
        if target is PlanStatus.published:
            plan.published_at = utcnow()
        version = _record_version(actor, plan)
        if target is PlanStatus.published:
            documents.queue_version_pdf(actor=actor, version=version)
        audit.record(
            actor=actor,
            action="plan.transition",
            obj=plan,
            before=before,
            after={
                "status": target.value,
                "version": plan.version,
                "meeting": plan.meeting,
                "document_number": plan.document_number,
            },
        )
        db.session.commit()
    return plan


def set_plan_layout(
    *, actor: User, plan: Plan, numbering: Numbering, requires_lead_leader: bool, expected_version: int | None = None
) -> Plan:
    """How the plan numbers its projects where it has parts, and whether 送审稿 needs a lead district leader on
    each: the office's choice, while the plan is a draft."""
    check_office(actor, PlanError)
    with edits.saving(plan, expected_version):
        check_draft(plan)
        before = {"numbering": plan.numbering.value, "requires_lead_leader": plan.requires_lead_leader}
        plan.numbering, plan.requires_lead_leader = numbering, requires_lead_leader
        after = {"numbering": numbering.value, "requires_lead_leader": requires_lead_leader}
        audit.record(actor=actor, action="plan.layout", obj=plan, before=before, after=after)
        db.session.commit()
    return plan
