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
from plan.models import PLAN_TRANSITIONS, KeyProject, Plan, PlanStatus, PlanVersion
from plan.queries import plan_snapshot
from review.models import Decision, Screening
from review.ranking import rank_round
from solicitation.models import Proposal, Round, RoundStatus


def check_draft(plan: Plan) -> None:
    """Refuse a change of the plan's text unless the plan is a draft."""
    if plan.status is not PlanStatus.draft:
        raise PlanError("plan_not_draft", status=plan.status)


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
    db.session.add(plan)
    if from_selection:
        _add_selected_proposals(plan)
    audit.record(actor=actor, action="plan.create", obj=plan, after={"title": title, "projects": len(plan.projects)})
    db.session.commit()
    return plan


def _add_selected_proposals(plan: Plan) -> None:
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
    check_office(actor, PlanError)
    with edits.saving(plan, expected_version):
        if target not in PLAN_TRANSITIONS[plan.status]:
            raise PlanError("transition_not_allowed", current=plan.status, target=target)
        if target is PlanStatus.submitted_for_review:
            if not plan.projects:
                raise PlanError("plan_empty")
            incomplete = next((p for p in plan.projects if not (p.lead_leader_name and p.lead_unit_id)), None)
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
