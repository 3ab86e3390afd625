"""Residents' suggestions in review: the office sends them to expert screening and reads the ranking;
experts fill in the short form."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, office_required, require
from core.errors import DomainError
from core.exports import Document, table_response
from core.forms import form_status, show_error
from core.lists import export_format
from core.request_input import stored_int
from extensions import db
from review import queries
from review.forms import SuggestionReviewForm
from review.models import SuggestionReview
from review.permissions import is_expert
from review.ranking import rank_suggestions
from review.services import suggestion_reviews
from review.views import bp
from solicitation.models import Round
from solicitation.queries import proposals_fed_by


def _rounded(value):
    return None if value is None else round(value, 1)


SCREENING_COLUMNS = [
    (_l("Rank"), lambda row: row.rank),
    (_l("Tracking code"), lambda row: row.suggestion.display_code),
    (_l("Title"), lambda row: row.suggestion.title),
    (_l("Category"), lambda row: row.suggestion.category.name if row.suggestion.category else ""),
    (_l("Channel"), lambda row: row.suggestion.channel.label),
    (_l("Seconds"), lambda row: row.suggestion.second_count),
    (_l("Screened"), lambda row: f"{row.n}/{row.sent}"),
    (_l("Mean"), lambda row: _rounded(row.mean)),
    (_l("Median"), lambda row: _rounded(row.median)),
    (_l("Calibrated score"), lambda row: _rounded(row.calibrated)),
    (_l("Worth a project"), lambda row: row.worth),
    (_l("Not worth a project"), lambda row: row.not_worth),
]


def _filtered(rows, args):
    category = args.get("category", type=int)
    verdict = args.get("verdict", "")
    kept = []
    for row in rows:
        if category and row.suggestion.category_id != category:
            continue
        if verdict == "worth" and not row.worth > row.not_worth:
            continue
        if verdict == "pending" and row.n == row.sent:
            continue
        kept.append(row)
    return kept


@bp.get("/rounds/<int:round_id>/suggestion-screening")
@office_required
def suggestion_screening(round_id):
    """The suggestions sent to expert screening, ranked, and those the office may still send."""
    round = db.get_or_404(Round, round_id)
    rows = _filtered(rank_suggestions(round.id), request.args)
    fed = proposals_fed_by(current_user, [row.suggestion.id for row in rows])
    if fmt := export_format():
        titles = (_l("Proposals it fed into"), lambda row: "、".join(p.title for p in fed[row.suggestion.id]))
        return table_response(
            filename=f"suggestion-screening-{round.year}",
            columns=[*SCREENING_COLUMNS, titles],
            rows=rows,
            fmt=fmt,
            document=Document(subject=_("Suggestion screening"), scope=round.title),
        )
    return render_template(
        "review/suggestion_screening.html",
        round=round,
        rows=rows,
        fed=fed,
        waiting=queries.suggestions_to_screen(round.id),
        categories=[(c.id, c.name) for c in round.categories],
        scale=queries.suggestion_scale(round.id),
        k=queries.review_settings(round.id).reviewers_per_proposal,
    )


@bp.post("/rounds/<int:round_id>/suggestion-screening/send")
@office_required
def suggestion_screening_send(round_id):
    """Send the chosen suggestions to k experts each."""
    round = db.get_or_404(Round, round_id)
    chosen = request.form.getlist("suggestion_id", type=stored_int)
    try:
        short = suggestion_reviews.send_to_screening(actor=current_user, round=round, suggestion_ids=chosen)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d suggestions sent to expert screening.", count=len(chosen)), "success")
        if short:
            flash(
                _(
                    "%(count)d suggestions have fewer experts than asked: there are not enough experts.",
                    count=len(short),
                ),
                "warning",
            )
    return redirect(url_for("review.suggestion_screening", round_id=round.id))


@bp.route("/suggestion-reviews/<int:screening_id>", methods=["GET", "POST"])
@login_required
def suggestion_review_form(screening_id):
    """The expert's short form on a suggestion: the suggestion (never its contact details), score, comment, verdict."""
    screening = db.get_or_404(SuggestionReview, screening_id)
    require(is_expert(current_user) and screening.expert_id == current_user.id)
    scale = queries.suggestion_scale(screening.suggestion.round_id)
    form = SuggestionReviewForm.for_scale(scale, screening)
    if form.validate_on_submit():
        try:
            suggestion_reviews.screen_suggestion(
                actor=current_user,
                screening=screening,
                score=form.score.data,
                comment=form.comment.data or "",
                worth_a_project=form.worth_a_project.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Screening saved."), "success")
            following = next((s for s in queries.my_suggestion_reviews(current_user) if s.submitted_at is None), None)
            target = (
                url_for("review.suggestion_review_form", screening_id=following.id)
                if following
                else url_for("review.my_reviews")
            )
            return redirect(target)
    return render_template(
        "review/suggestion_review_form.html",
        screening=screening,
        suggestion=screening.suggestion,
        form=form,
    ), form_status(form)
