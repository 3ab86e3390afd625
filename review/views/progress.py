"""The office's page for running a review: its stages and their dates, each expert's progress, reminders."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import office_required
from core.errors import DomainError
from core.exports import Document, table_response
from core.forms import show_error
from core.lists import export_format
from core.request_input import stored_int
from extensions import db
from review import queries
from review.forms import StageDatesForm
from review.models import ReviewStage
from review.services import stages
from review.views import bp
from solicitation.models import Round

PROGRESS_COLUMNS = [
    (_l("Expert"), lambda p: p.expert.display_name),
    (_l("Assigned"), lambda p: p.assigned),
    (_l("Submitted"), lambda p: p.submitted),
    (_l("Drafts"), lambda p: p.drafts),
    (_l("Outstanding"), lambda p: p.outstanding),
    (_l("Last reminder"), lambda p: format_datetime(p.reminded_at, "yyyy-MM-dd HH:mm") if p.reminded_at else ""),
]


def _render_progress(round, *, dates_form=None, status=200):
    rows = queries.expert_progress(round.id)
    late = stages.deadline_passed(round)
    shown = request.args.get("show", "")
    if shown == "outstanding":
        rows = [row for row in rows if row.outstanding]
    if fmt := export_format():
        document = Document(subject=_("Review progress"), scope=round.title)
        return table_response(
            filename=f"review-progress-{round.year}", columns=PROGRESS_COLUMNS, rows=rows, fmt=fmt, document=document
        )
    settings = queries.review_settings(round.id)
    return render_template(
        "review/progress.html",
        round=round,
        rows=rows,
        late=late,
        shown=shown,
        settings=settings,
        stages=list(ReviewStage),
        dates_form=dates_form or StageDatesForm(obj=settings, formdata=None),
    ), status


@bp.get("/rounds/<int:round_id>/review-progress")
@office_required
def review_progress(round_id):
    """The review's stage and dates, and who has reviewed what; late experts stand out."""
    round = db.get_or_404(Round, round_id)
    return _render_progress(round)


@bp.post("/rounds/<int:round_id>/review-stage")
@office_required
def review_stage(round_id):
    """Move the review to the next or the previous stage."""
    round = db.get_or_404(Round, round_id)
    try:
        stage = ReviewStage(request.form.get("stage", ""))
        settings = stages.move_stage(actor=current_user, round=round, stage=stage)
    except ValueError:
        flash(_("Choose a stage."), "error")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The review is now in the stage “%(stage)s”.", stage=settings.stage.label), "success")
    return redirect(url_for("review.review_progress", round_id=round.id))


@bp.post("/rounds/<int:round_id>/review-stage-dates")
@office_required
def review_stage_dates(round_id):
    """Plan the end of the panel discussion and of the office's decision."""
    round = db.get_or_404(Round, round_id)
    form = StageDatesForm()
    if form.validate_on_submit():
        try:
            stages.save_stage_dates(
                actor=current_user,
                round=round,
                discussion_until=form.discussion_until.data,
                decision_until=form.decision_until.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Stage dates saved."), "success")
            return redirect(url_for("review.review_progress", round_id=round.id))
    return _render_progress(round, dates_form=form, status=400)


@bp.post("/rounds/<int:round_id>/reminders")
@office_required
def review_remind(round_id):
    """Mail a reminder to the chosen experts, or to every expert with reviews outstanding."""
    round = db.get_or_404(Round, round_id)
    chosen = set(request.form.getlist("expert_id", type=stored_int))
    try:
        reminded, without_email = stages.remind_experts(actor=current_user, round=round, expert_ids=chosen or None)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d experts reminded.", count=reminded), "success")
        if without_email:
            flash(
                _("%(count)d experts have no email address: remind them another way.", count=without_email), "warning"
            )
    return redirect(url_for("review.review_progress", round_id=round.id))
