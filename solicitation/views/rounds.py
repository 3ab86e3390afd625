"""Rounds and their categories: the office sets them up, every staff role reads them."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from accounts.permissions import login_required, office_required, require
from core import clock
from core.errors import DomainError
from core.forms import form_status, show_error
from core.lists import list_or_export
from extensions import db
from solicitation import queries
from solicitation.errors import SolicitationError
from solicitation.forms import CategoryForm, CategoryPresetForm, RoundFilterForm, RoundForm, TransitionForm
from solicitation.models import Category, Round
from solicitation.permissions import can_manage_rounds, can_view_rounds
from solicitation.services import rounds as services
from solicitation.views import bp

ROUND_COLUMNS = [
    (_l("Plan year"), lambda r: r.year),
    (_l("Title"), lambda r: r.title),
    (_l("Status"), lambda r: r.status.label),
    (_l("Solicitation opens"), lambda r: r.solicitation_opens),
    (_l("Solicitation closes"), lambda r: r.solicitation_closes),
    (_l("Review deadline"), lambda r: r.review_deadline),
    (_l("Plan date"), lambda r: r.plan_date),
    (_l("Categories"), lambda r: "、".join(c.name for c in r.categories)),
]


@bp.get("/rounds")
@login_required
def round_list():
    """List rounds, filtered, or export them."""
    require(can_view_rounds(current_user))
    filters = RoundFilterForm()
    query = queries.rounds(q=filters.q.data or "", status=filters.status.data)
    return list_or_export(
        query,
        filename="rounds",
        columns=ROUND_COLUMNS,
        subject=_("Rounds"),
        template="solicitation/round_list.html",
        filters=filters,
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@office_required
def round_create():
    """Create a round."""
    form = RoundForm.for_round()
    if form.validate_on_submit():
        try:
            round = services.create_round(
                actor=current_user,
                **form.round_fields(),
                category_preset=form.category_preset.data or None,
                solicits=not form.plan_only.data,
            )
        except SolicitationError as error:
            show_error(form, error)
        else:
            flash(_("Round %(title)s created.", title=round.title), "success")
            return redirect(url_for("solicitation.round_detail", round_id=round.id))
    return render_template("solicitation/round_form.html", form=form, round=None), form_status(form)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@office_required
def round_edit(round_id):
    """Edit a round's year, title, description and dates."""
    round = db.get_or_404(Round, round_id)
    form = RoundForm.for_round(round)
    if form.validate_on_submit():
        try:
            services.update_round(
                actor=current_user,
                round=round,
                **form.round_fields(),
                expected_version=form.expected_version,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Round %(title)s saved.", title=round.title), "success")
            return redirect(url_for("solicitation.round_detail", round_id=round.id))
    return render_template("solicitation/round_form.html", form=form, round=round), form_status(form)


def _render_detail(round, *, category_form=None, preset_form=None, status=200):
    return render_template(
        "solicitation/round_detail.html",
        round=round,
        checklist=queries.round_checklist(round, clock.today()) if can_manage_rounds(current_user) else [],
        category_form=category_form or CategoryForm(formdata=None),
        preset_form=preset_form or CategoryPresetForm(formdata=None),
    ), status


@bp.get("/rounds/<int:round_id>")
@login_required
def round_detail(round_id):
    """Show a round: its dates, status, categories and the moves open to it."""
    round = db.get_or_404(Round, round_id)
    require(can_view_rounds(current_user))
    return _render_detail(round)


@bp.route("/rounds/<int:round_id>/transition", methods=["GET", "POST"])
@office_required
def round_transition(round_id):
    """Say what moving a round to another status will do; move it once the office confirms."""
    round = db.get_or_404(Round, round_id)
    form = TransitionForm(request.form if request.method == "POST" else request.args)
    if not form.target.validate(form):
        flash(_("Choose a status to move the round to."), "error")
        return redirect(url_for("solicitation.round_detail", round_id=round.id))
    if request.method == "POST" and form.validate():
        try:
            services.transition_round(actor=current_user, round=round, target=form.target.data)
        except SolicitationError as error:
            flash(error.message, "error")
        else:
            flash(_("The round is now “%(status)s”.", status=round.status.label), "success")
        return redirect(url_for("solicitation.round_detail", round_id=round.id))
    preview = queries.transition_preview(round, form.target.data, clock.today())
    return render_template("solicitation/round_transition.html", form=form, preview=preview), form_status(form)


@bp.post("/rounds/<int:round_id>/categories")
@office_required
def category_add(round_id):
    """Add a category to a round."""
    round = db.get_or_404(Round, round_id)
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = services.add_category(
                actor=current_user, round=round, name=form.name.data, description=form.description.data or ""
            )
        except SolicitationError as error:
            show_error(form, error)
        else:
            flash(_("Category %(name)s added.", name=category.name), "success")
            return redirect(url_for("solicitation.round_detail", round_id=round.id, _anchor="categories"))
    return _render_detail(round, category_form=form, status=400)


@bp.post("/rounds/<int:round_id>/categories/preset")
@office_required
def category_preset(round_id):
    """Add the categories of a preset set that the round lacks."""
    round = db.get_or_404(Round, round_id)
    form = CategoryPresetForm()
    if form.validate_on_submit():
        try:
            added = services.apply_category_preset(actor=current_user, round=round, preset=form.preset.data)
        except SolicitationError as error:
            show_error(form, error)
        else:
            flash(_("%(count)d categories added.", count=len(added)), "success")
            return redirect(url_for("solicitation.round_detail", round_id=round.id, _anchor="categories"))
    return _render_detail(round, preset_form=form, status=400)


def _load_category(round_id, category_id):
    return db.one_or_404(select(Category).where(Category.id == category_id, Category.round_id == round_id))


@bp.route("/rounds/<int:round_id>/categories/<int:category_id>/edit", methods=["GET", "POST"])
@office_required
def category_edit(round_id, category_id):
    """Rename a category or change its description."""
    category = _load_category(round_id, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            services.update_category(
                actor=current_user, category=category, name=form.name.data, description=form.description.data or ""
            )
        except SolicitationError as error:
            show_error(form, error)
        else:
            flash(_("Category %(name)s saved.", name=category.name), "success")
            return redirect(url_for("solicitation.round_detail", round_id=round_id, _anchor="categories"))
    return render_template("solicitation/category_form.html", form=form, category=category)


@bp.post("/rounds/<int:round_id>/categories/<int:category_id>/delete")
@office_required
def category_delete(round_id, category_id):
    """Remove a category from a round."""
    category = _load_category(round_id, category_id)
    name = category.name
    try:
        services.delete_category(actor=current_user, category=category)
    except SolicitationError as error:
        flash(error.message, "error")
    else:
        flash(_("Category %(name)s removed.", name=name), "success")
    return redirect(url_for("solicitation.round_detail", round_id=round_id, _anchor="categories"))
