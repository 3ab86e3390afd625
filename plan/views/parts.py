"""The plan's parts (板块) and layout: the office groups a draft plan's projects under parts, chooses how they are
numbered and whether 送审稿 needs lead district leaders."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import office_required
from core.errors import DomainError
from extensions import db
from plan.forms import PlanLayoutForm
from plan.models import Plan, PlanPart
from plan.services import parts, plans
from plan.views import bp


def _back(plan):
    return redirect(url_for("plan.plan_detail", round_id=plan.round_id, plan_id=plan.id, _anchor="parts"))


@bp.post("/plans/<int:plan_id>/layout")
@office_required
def plan_layout(plan_id):
    """Set how the plan numbers its projects and whether 送审稿 needs lead district leaders."""
    plan = db.get_or_404(Plan, plan_id)
    form = PlanLayoutForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return _back(plan)
    try:
        plans.set_plan_layout(
            actor=current_user,
            plan=plan,
            numbering=form.numbering.data,
            requires_lead_leader=form.requires_lead_leader.data,
            expected_version=form.expected_version,
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Numbering and lead leaders' rule saved."), "success")
    return _back(plan)


def _run(plan, action, done: str):
    """Run a change of the plan's parts, then say how it went on the plan's page."""
    try:
        action()
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(done, "success")
    return _back(plan)


@bp.post("/plans/<int:plan_id>/parts")
@office_required
def plan_part_add(plan_id):
    plan = db.get_or_404(Plan, plan_id)
    title = request.form.get("title", "")
    return _run(
        plan,
        lambda: parts.add_plan_part(actor=current_user, plan=plan, title=title),
        _("Part “%(title)s” added.", title=title.strip()),
    )


@bp.post("/plan-parts/<int:part_id>/rename")
@office_required
def plan_part_rename(part_id):
    part = db.get_or_404(PlanPart, part_id)
    title = request.form.get("title", "")
    return _run(
        part.plan,
        lambda: parts.rename_plan_part(actor=current_user, part=part, title=title),
        _("Part renamed “%(title)s”.", title=title.strip()),
    )


@bp.post("/plan-parts/<int:part_id>/move")
@office_required
def plan_part_move(part_id):
    part = db.get_or_404(PlanPart, part_id)
    offset = request.form.get("offset", type=int) or 0
    return _run(part.plan, lambda: parts.move_plan_part(actor=current_user, part=part, offset=offset), _("Part moved."))


@bp.post("/plan-parts/<int:part_id>/delete")
@office_required
def plan_part_delete(part_id):
    part = db.get_or_404(PlanPart, part_id)
    plan, title = part.plan, part.title
    return _run(
        plan,
        lambda: parts.remove_plan_part(actor=current_user, part=part),
        _("Part “%(title)s” deleted.", title=title),
    )
