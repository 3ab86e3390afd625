"""The office's review pages: expert profiles, conflicts, assignments (by hand and automatic), settings."""

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.models import User
from accounts.permissions import office_required, require
from core.errors import DomainError
from core.forms import ImportForm, form_status, show_error
from core.imports import run_import, template_response
from core.urls import safe_next
from extensions import db
from review import queries
from review.forms import (
    AssignForm,
    ConflictForm,
    ExpertProfileForm,
    ReviewSettingsForm,
)
from review.models import Assignment, Conflict
from review.permissions import can_manage_reviews
from review.services import assignments, conflicts
from review.solver import solve
from review.views import bp
from solicitation.models import Proposal, Round


def _experts(round_id):
    return [expert for expert, _profile, _load in queries.experts_with_load(round_id)]


@bp.get("/rounds/<int:round_id>/assignments")
@office_required
def assignment_board(round_id):
    """Who reviews what: each proposal with its experts, the experts' loads, and the conflicts."""
    round = db.get_or_404(Round, round_id)
    return _render_board(round)


def _render_board(round, *, conflict_form=None, settings_form=None, status=200):
    proposals = queries.round_proposals(round.id)
    experts = _experts(round.id)
    by_proposal = {}
    for assignment in queries.round_assignments(round.id):
        by_proposal.setdefault(assignment.proposal_id, []).append(assignment)
    return render_template(
        "review/assignment_board.html",
        round=round,
        proposals=proposals,
        by_proposal=by_proposal,
        experts=queries.experts_with_load(round.id),
        conflicts=queries.round_conflicts(round.id),
        conflict_form=conflict_form or ConflictForm.with_choices(experts, proposals, formdata=None),
        unpublished=sum(1 for a in queries.round_assignments(round.id) if not a.published),
        settings_form=settings_form or ReviewSettingsForm(obj=queries.review_settings(round.id), formdata=None),
    ), status


@bp.post("/rounds/<int:round_id>/assignments")
@office_required
def assignment_add(round_id):
    """Assign an expert to a proposal of the round."""
    round = db.get_or_404(Round, round_id)
    form = AssignForm.with_experts(_experts(round.id))
    if form.validate_on_submit():
        proposal = db.one_or_404(
            select(Proposal).where(Proposal.id == form.proposal_id.data, Proposal.round_id == round.id)
        )
        expert = db.get_or_404(User, form.expert_id.data)
        try:
            assignments.assign_expert(actor=current_user, expert=expert, proposal=proposal)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(expert)s will review “%(title)s”.", expert=expert.display_name, title=proposal.title), "success")
    else:
        flash(_("Choose an expert and a proposal."), "error")
    # The office may assign from a proposal's row or from an expert's: go back to that row.
    anchor = f"e{form.expert_id.data}" if request.form.get("from") == "expert" else f"p{form.proposal_id.data}"
    return redirect(url_for("review.assignment_board", round_id=round.id, _anchor=anchor))


@bp.post("/assignments/<int:assignment_id>/delete")
@office_required
def assignment_delete(assignment_id):
    """Take an assignment back."""
    assignment = db.get_or_404(Assignment, assignment_id)
    round_id = assignment.proposal.round_id
    try:
        assignments.unassign_expert(actor=current_user, assignment=assignment)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Assignment removed."), "success")
    return redirect(url_for("review.assignment_board", round_id=round_id))


@bp.post("/rounds/<int:round_id>/assignments/publish")
@office_required
def assignment_publish(round_id):
    """Let the experts see their new assignments."""
    round = db.get_or_404(Round, round_id)
    try:
        count = assignments.publish_assignments(actor=current_user, round=round)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d assignments published to the experts.", count=count), "success")
    return redirect(url_for("review.assignment_board", round_id=round.id))


@bp.route("/rounds/<int:round_id>/assignments/import", methods=["GET", "POST"])
@office_required
def assignment_import(round_id):
    """Assign from a spreadsheet: all rows, or none with a report of each bad row."""
    round = db.get_or_404(Round, round_id)
    form = ImportForm()
    done, count, rejected = run_import(form, partial(assignments.import_assignments, actor=current_user, round=round))
    if done:
        flash(_("%(count)d assignments imported; publish them when ready.", count=count), "success")
        return redirect(url_for("review.assignment_board", round_id=round.id))
    page = render_template("review/assignment_import.html", form=form, round=round, rejected=rejected)
    return page, form_status(form)


@bp.get("/rounds/<int:round_id>/assignments/import-template.<fmt>")
@office_required
def assignment_import_template(round_id, fmt):
    """The round's proposals with their experts so far, as .xlsx or .csv, to fill in and import."""
    round = db.get_or_404(Round, round_id)
    require(can_manage_reviews(current_user))
    names = {}
    for assignment in queries.round_assignments(round.id):
        names.setdefault(assignment.proposal_id, []).append(assignment.expert.display_name)
    rows = [
        {"proposal": p.id, "title": p.title, "experts": "、".join(names.get(p.id, []))}
        for p in queries.round_proposals(round.id)
    ]
    return template_response(
        filename=f"assignments-{round.year}", columns=assignments.IMPORT_COLUMNS, rows=rows, fmt=fmt
    )


@bp.post("/rounds/<int:round_id>/conflicts/detect")
@office_required
def conflict_detect(round_id):
    """Suggest the conflicts the platform can see (an expert's unit proposes or cooperates)."""
    round = db.get_or_404(Round, round_id)
    found = conflicts.detect_conflicts(actor=current_user, round=round)
    flash(_("%(count)d possible conflicts found; confirm or dismiss each.", count=len(found)), "info")
    return redirect(url_for("review.assignment_board", round_id=round.id, _anchor="conflicts"))


@bp.post("/rounds/<int:round_id>/conflicts")
@office_required
def conflict_add(round_id):
    """Record a conflict the office knows of."""
    round = db.get_or_404(Round, round_id)
    form = ConflictForm.with_choices(_experts(round.id), queries.round_proposals(round.id))
    if form.validate_on_submit():
        try:
            conflicts.record_conflict(
                actor=current_user,
                expert=db.get_or_404(User, form.expert_id.data),
                proposal=db.get_or_404(Proposal, form.proposal_id.data),
                reason=form.reason.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Conflict recorded."), "success")
            return redirect(url_for("review.assignment_board", round_id=round.id, _anchor="conflicts"))
    return _render_board(round, conflict_form=form, status=400)


@bp.post("/conflicts/<int:conflict_id>/decide")
@office_required
def conflict_decide(conflict_id):
    """Confirm or dismiss a suggested conflict."""
    conflict = db.get_or_404(Conflict, conflict_id)
    try:
        conflicts.decide_conflict(actor=current_user, conflict=conflict, confirm=request.form.get("confirm") == "1")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Conflict confirmed.") if conflict.status.value == "confirmed" else _("Conflict dismissed."), "success")
    return redirect(url_for("review.assignment_board", round_id=conflict.proposal.round_id, _anchor="conflicts"))


@bp.route("/experts/<int:user_id>/profile", methods=["GET", "POST"])
@office_required
def expert_profile(user_id):
    """Edit an expert's institution, fields and maximum load."""
    expert = db.get_or_404(User, user_id)
    form = ExpertProfileForm(obj=queries.expert_profile(expert.id))
    if form.validate_on_submit():
        try:
            assignments.save_expert_profile(
                actor=current_user,
                expert=expert,
                institution=form.institution.data or "",
                expertise=form.expertise.data or "",
                max_load=form.max_load.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Profile of %(name)s saved.", name=expert.display_name), "success")
            return redirect(safe_next(request.args.get("back")) or url_for("core.index"))
    return render_template("review/expert_profile.html", form=form, expert=expert)


@bp.post("/rounds/<int:round_id>/review-settings")
@office_required
def review_settings(round_id):
    """Set the reviewers per proposal, the trimmed mean, blind review and the cut line of a round."""
    round = db.get_or_404(Round, round_id)
    form = ReviewSettingsForm()
    if form.validate_on_submit():
        try:
            assignments.save_review_settings(
                actor=current_user,
                round=round,
                reviewers_per_proposal=form.reviewers_per_proposal.data,
                trim_extremes=form.trim_extremes.data,
                blind=form.blind.data,
                cut_line=form.cut_line.data,
                cut_percent=form.cut_percent.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Review settings saved."), "success")
            return redirect(url_for("review.assignment_board", round_id=round.id))
    return _render_board(round, settings_form=form, status=400)


@bp.get("/rounds/<int:round_id>/assignments/auto")
@office_required
def assignment_auto_preview(round_id):
    """Preview an automatic assignment of k reviewers a proposal, to apply or discard."""
    round = db.get_or_404(Round, round_id)
    default = queries.review_settings(round.id).reviewers_per_proposal
    k = max(1, min(request.args.get("k", default, type=int), 20))
    solution = solve(queries.assignment_problem(round.id, k))
    proposals = {p.id: p for p in queries.round_proposals(round.id)}
    experts = {e.id: e for e, _profile, _load in queries.experts_with_load(round.id)}
    return render_template(
        "review/assignment_preview.html",
        round=round,
        k=k,
        pairs=[(proposals[p], experts[e]) for p, e in solution.new],
        short=[(proposals[p], missing, solution.eligible[p]) for p, missing in solution.short.items()],
    )


@bp.post("/rounds/<int:round_id>/assignments/auto")
@office_required
def assignment_auto_apply(round_id):
    """Apply a previewed automatic assignment."""
    round = db.get_or_404(Round, round_id)
    pairs = []
    for value in request.form.getlist("pair"):
        proposal_id, _sep, expert_id = value.partition(":")
        if proposal_id.isdigit() and expert_id.isdigit():
            pairs.append((int(proposal_id), int(expert_id)))
    try:
        count = assignments.apply_assignments(actor=current_user, round=round, pairs=pairs)
    except DomainError as error:
        flash(_("Nothing was assigned: %(reason)s Preview again.", reason=error.message), "error")
    else:
        flash(_("%(count)d assignments made; publish them when ready.", count=count), "success")
    return redirect(url_for("review.assignment_board", round_id=round.id))
