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
from plan.forms import FIELD_LABELS, ApprovalForm, PlanLayoutForm
from plan.models import PLAN_TRANSITIONS, Plan, PlanStatus
from plan.permissions import can_view_plan
from plan.services import documents
from plan.services import plans as services
from plan.views import bp
from solicitation.models import Round

SUMMARY_COLUMNS = [
    (FIELD_LABELS["part"], lambda p: p.part.title if p.part else ""),
    (FIELD_LABELS["number"], lambda p: p.number, Kind.code),
    (_l("Project title"), lambda p: p.title),
    (FIELD_LABELS["lead_leader"], lambda p: p.lead_leader_name),
    (FIELD_LABELS["lead_unit"], lambda p: p.lead_unit.name if p.lead_unit else ""),
    (_l("Kind of lead unit"), lambda p: p.lead_unit.kind.label if p.lead_unit else ""),
    (FIELD_LABELS["cooperating_units"], lambda p: "、".join(u.name for u in p.cooperating_units)),
    (FIELD_LABELS["category"], lambda p: p.category.name if p.category else ""),
    (FIELD_LABELS["goals"], lambda p: p.goals, Kind.long),
]


def _render_plan(round, *, approval_form=None, status=200):
    """The plan's page, its key projects read in one query for each kind of record."""
    plan = queries.plan_of(round.id, with_projects=True)
    return render_template(
        "plan/plan_detail.html",
        round=round,
        plan=plan,
        versions=queries.versions(plan.id) if plan else [],
        statuses=list(PlanStatus),
        next_statuses=PLAN_TRANSITIONS[plan.status] if plan else (),
        approval_form=approval_form or ApprovalForm(formdata=None, lock_version=plan.lock_version if plan else None),
        layout_form=PlanLayoutForm(formdata=None, obj=plan) if plan else None,
    ), status


@bp.get("/rounds/<int:round_id>/plan")
@login_required
def plan_detail(round_id):
    """The round's plan: its numbered key projects, its state, its versions."""
    round = db.get_or_404(Round, round_id)
    require(can_view_plan(current_user))
    return _render_plan(round)


@bp.post("/rounds/<int:round_id>/plan")
@office_required
def plan_create(round_id):
    """Draft the plan from the selected proposals."""
    round = db.get_or_404(Round, round_id)
    try:
        plan = services.create_plan(actor=current_user, round=round)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Plan drafted with %(count)d key projects.", count=len(plan.projects)), "success")
    return redirect(url_for("plan.plan_detail", round_id=round.id))


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
        return _render_plan(plan.round, approval_form=form, status=400)
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
        return _render_plan(plan.round, approval_form=form, status=form_status(form))
    flash(_("The plan is now “%(status)s”.", status=plan.status.label), "success")
    return redirect(url_for("plan.plan_detail", round_id=plan.round_id))


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
        filename=f"plan-{plan.round.year}",
        columns=SUMMARY_COLUMNS,
        rows=plan.projects,
        fmt=fmt,
        document=Document(subject=_("Key projects"), scope=plan.title),
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
