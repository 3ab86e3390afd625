"""The plan's own pages: the office drafts it and moves it through approval; the office and the leaders read it as
it stands, compare its versions, and take it as a table or a Word document."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, office_required, require
from core.errors import DomainError
from core.exports import Document, Kind, docx_response, table_response
from core.forms import form_status, show_error
from extensions import db
from plan import queries
from plan.forms import FIELD_LABELS, ApprovalForm, PlanForm, PlanLayoutForm
from plan.models import PLAN_TRANSITIONS, Plan, PlanStatus
from plan.permissions import can_view_plan
from plan.services import documents
from plan.services import plans as services
from plan.views import bp
from solicitation.models import Round

SUMMARY_COLUMNS = [
    (FIELD_LABELS["part"], lambda p: p.part_title),
    (FIELD_LABELS["number"], lambda p: p.number, Kind.code),
    (_l("Project title"), lambda p: p.title),
    (FIELD_LABELS["lead_leader"], lambda p: p.lead_leader_name),
    (FIELD_LABELS["lead_unit"], lambda p: p.lead_unit.name if p.lead_unit else ""),
    (_l("Kind of lead unit"), lambda p: p.lead_unit.kind.label if p.lead_unit else ""),
    (FIELD_LABELS["cooperating_units"], lambda p: "、".join(u.name for u in p.cooperating_units)),
    (FIELD_LABELS["category"], lambda p: p.category.name if p.category else ""),
    (FIELD_LABELS["goals"], lambda p: p.goals, Kind.long),
]


def _render_plan(round, plan_id=None, *, approval_form=None, plan_form=None, status=200):
    """A plan's page (the round's first when none is named), with the tabs of the round's other plans; its key
    projects read in one query for each kind of record."""
    plans = queries.plans_of(round.id)
    if plan_id is None and plans:
        plan_id = plans[0].id
    plan = queries.plan_with_projects(plan_id) if plan_id else None
    if plan_id and (plan is None or plan.round_id != round.id):
        abort(404)
    return render_template(
        "plan/plan_detail.html",
        round=round,
        plan=plan,
        plans=plans,
        plan_form=plan_form or PlanForm.for_round(round, plans, formdata=None),
        versions=queries.versions(plan.id) if plan else [],
        statuses=list(PlanStatus),
        next_statuses=PLAN_TRANSITIONS[plan.status] if plan else (),
        approval_form=approval_form or ApprovalForm(formdata=None, lock_version=plan.lock_version if plan else None),
        layout_form=PlanLayoutForm(formdata=None, obj=plan) if plan else None,
    ), status


@bp.get("/rounds/<int:round_id>/plan")
@bp.get("/rounds/<int:round_id>/plans/<int:plan_id>")
@login_required
def plan_detail(round_id, plan_id=None):
    """One of the round's plans (the first unless named): its numbered key projects, its state, its versions."""
    round = db.get_or_404(Round, round_id)
    require(can_view_plan(current_user))
    return _render_plan(round, plan_id)


@bp.post("/rounds/<int:round_id>/plan")
@office_required
def plan_create(round_id):
    """Draft another plan of the round, from the selected proposals or empty."""
    round = db.get_or_404(Round, round_id)
    form = PlanForm.for_round(round, queries.plans_of(round.id))
    if not form.validate_on_submit():
        return _render_plan(round, plan_form=form, status=400)
    try:
        plan = services.create_plan(
            actor=current_user,
            round=round,
            title=form.title.data,
            from_selection=bool(form.from_selection and form.from_selection.data),
        )
    except DomainError as error:
        show_error(form, error)
        return _render_plan(round, plan_form=form, status=form_status(form))
    flash(_("Plan drafted with %(count)d key projects.", count=len(plan.projects)), "success")
    return redirect(url_for("plan.plan_detail", round_id=round.id, plan_id=plan.id))


@bp.post("/plans/<int:plan_id>/transition")
@office_required
def plan_transition(plan_id):
    """Move the plan to its next state (or back to a draft, or to a new version)."""
    plan = db.get_or_404(Plan, plan_id)
    try:
        target = PlanStatus(request.form.get("target", ""))
    except ValueError:
        abort(400)
    form = ApprovalForm()
    valid = form.validate_on_submit() if target is PlanStatus.approved else form.lock_version.validate(form)
    if not valid:
        return _render_plan(plan.round, plan.id, approval_form=form, status=400)
    try:
        services.transition_plan(
            actor=current_user,
            plan=plan,
            target=target,
            meeting=form.meeting.data or "",
            approved_on=form.approved_on.data,
            document_number=form.document_number.data or "",
            expected_version=form.expected_version,
        )
    except DomainError as error:
        show_error(form, error)
        return _render_plan(plan.round, plan.id, approval_form=form, status=form_status(form))
    flash(_("The plan is now “%(status)s”.", status=plan.status.label), "success")
    return redirect(url_for("plan.plan_detail", round_id=plan.round_id, plan_id=plan.id))


@bp.get("/plans/<int:plan_id>/compare")
@login_required
def plan_compare(plan_id):
    """Two versions of the plan side by side, or a version against the text as it stands."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    versions = queries.versions(plan.id)
    by_id = {version.id: version for version in versions}
    first = by_id.get(request.args.get("a", type=int)) or (versions[0] if versions else None)
    second = by_id.get(request.args.get("b", type=int))
    before = first.snapshot if first else {"projects": []}
    after = second.snapshot if second else queries.plan_snapshot(plan)
    return render_template(
        "plan/plan_compare.html",
        plan=plan,
        versions=versions,
        first=first,
        second=second,
        rows=queries.changes(before, after),
        labels=FIELD_LABELS,
    )


@bp.get("/plans/<int:plan_id>/summary.<fmt>")
@login_required
def plan_summary(plan_id, fmt):
    """The plan as a table: number, title, lead leader, lead unit, category, goals."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user) and fmt in ("xlsx", "csv"))
    return table_response(
        filename=f"plan-{plan.round.year}-{plan.id}",
        columns=SUMMARY_COLUMNS,
        rows=plan.projects,
        fmt=fmt,
        document=Document(subject=_("Key projects"), scope=plan.title, group=lambda project: project.part_title),
    )


@bp.get("/plans/<int:plan_id>/plan.docx")
@login_required
def plan_document(plan_id):
    """The plan as it stands, as a Word document in the style of an official document."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    snapshot = queries.plan_snapshot(plan)
    return docx_response(documents.plan_document(snapshot), filename=snapshot["title"])


@bp.get("/plans/<int:plan_id>/print")
@login_required
def plan_print(plan_id):
    """The plan's text laid out for printing, as an official document numbers it."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    return render_template("plan/plan_print.html", plan=plan, snapshot=queries.plan_snapshot(plan))
