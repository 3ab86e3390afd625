"""The office's pages for a round's review criteria."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.permissions import login_required, office_required, require
from core.forms import show_error
from extensions import db
from review import queries
from review.errors import ReviewError
from review.forms import CriterionForm
from review.models import Criterion
from review.permissions import can_view_criteria
from review.services import criteria as services
from review.views import bp
from solicitation.models import Round


def _render_criteria(round, *, form=None, status=200):
    return render_template(
        "review/criteria_list.html",
        round=round,
        criteria=queries.criteria_of(round.id),
        form=form or CriterionForm(formdata=None),
        editable=round.status in services.EDITABLE_STATUSES and not services.criteria_in_use(round),
    ), status


@bp.get("/rounds/<int:round_id>/criteria")
@login_required
def criteria_list(round_id):
    """Show a round's review criteria with their weights."""
    round = db.get_or_404(Round, round_id)
    require(can_view_criteria(current_user))
    return _render_criteria(round)


@bp.post("/rounds/<int:round_id>/criteria")
@office_required
def criterion_add(round_id):
    """Add a criterion to a round."""
    round = db.get_or_404(Round, round_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            criterion = services.add_criterion(actor=current_user, round=round, **form.criterion_fields())
        except ReviewError as error:
            show_error(form, error)
        else:
            flash(_("Criterion %(name)s added.", name=criterion.name), "success")
            return redirect(url_for("review.criteria_list", round_id=round.id))
    return _render_criteria(round, form=form, status=400)


@bp.post("/rounds/<int:round_id>/criteria/standard")
@office_required
def criteria_standard(round_id):
    """Add the five standard principles the round lacks."""
    round = db.get_or_404(Round, round_id)
    try:
        added = services.apply_standard_criteria(actor=current_user, round=round)
    except ReviewError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d criteria added.", count=len(added)), "success")
    return redirect(url_for("review.criteria_list", round_id=round.id))


def _load_criterion(round_id, criterion_id):
    return db.one_or_404(select(Criterion).where(Criterion.id == criterion_id, Criterion.round_id == round_id))


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@office_required
def criterion_edit(round_id, criterion_id):
    """Edit a criterion."""
    criterion = _load_criterion(round_id, criterion_id)
    form = CriterionForm.for_criterion(criterion)
    if form.validate_on_submit():
        try:
            services.update_criterion(actor=current_user, criterion=criterion, **form.criterion_fields())
        except ReviewError as error:
            show_error(form, error)
        else:
            flash(_("Criterion %(name)s saved.", name=criterion.name), "success")
            return redirect(url_for("review.criteria_list", round_id=round_id))
    return render_template("review/criterion_form.html", form=form, criterion=criterion)


@bp.post("/rounds/<int:round_id>/criteria/<int:criterion_id>/delete")
@office_required
def criterion_delete(round_id, criterion_id):
    """Remove a criterion."""
    criterion = _load_criterion(round_id, criterion_id)
    name = criterion.name
    try:
        services.delete_criterion(actor=current_user, criterion=criterion)
    except ReviewError as error:
        flash(error.message, "error")
    else:
        flash(_("Criterion %(name)s removed.", name=name), "success")
    return redirect(url_for("review.criteria_list", round_id=round_id))
