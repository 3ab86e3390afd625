"""The office's ranking and screening pages: aggregates, calibration, reviews per proposal, decisions."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.models import UnitKind
from accounts.permissions import office_required, require
from core.errors import DomainError
from core.exports import Document, Kind, table_response
from core.forms import show_error
from core.lists import export_format, page_number
from extensions import db
from review import queries
from review.errors import ReviewError
from review.forms import (
    BulkDecisionForm,
    CutLineForm,
    DecisionForm,
    FieldVisitForm,
)
from review.models import Recommendation, Review
from review.permissions import can_screen_proposal
from review.queries import RankingFilter
from review.ranking import count_rest_below_cut, cut_rank, every_ranked, ranking_page, round_rest_below_cut
from review.services import reviews, screening
from review.views import bp
from solicitation.models import Proposal, Round
from solicitation.queries import topic_choices


@bp.post("/reviews/<int:review_id>/reopen")
@office_required
def review_reopen(review_id):
    """Unlock a submitted review for its expert."""
    review = db.get_or_404(Review, review_id)
    try:
        reviews.reopen_review(actor=current_user, review=review)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Review reopened for its expert."), "success")
    return redirect(url_for("review.proposal_reviews", proposal_id=review.assignment.proposal_id))


def ranking_columns(criteria):
    names = {criterion.id: criterion.name for criterion, _share in criteria}
    columns = [
        (_l("Rank"), lambda row: row.rank, Kind.number),
        (_l("Calibrated rank"), lambda row: row.calibrated_rank, Kind.number),
        (_l("Number"), lambda row: row.proposal.id, Kind.number),
        (_l("Project title"), lambda row: row.proposal.title),
        (_l("Unit"), lambda row: row.proposal.unit.name),
        (_l("Reviews"), lambda row: row.n, Kind.number),
        (_l("Mean"), lambda row: row.mean, Kind.mean),
        (_l("Median"), lambda row: row.median, Kind.mean),
        (_l("Trimmed mean"), lambda row: row.trimmed, Kind.mean),
        (_l("Calibrated score"), lambda row: row.calibrated, Kind.mean),
        (_l("Standard deviation"), lambda row: row.stdev, Kind.mean),
        (_l("Recommendations"), lambda row: "、".join(f"{r.label} {n}" for r, n in row.recommendations.items())),
        (_l("Veto flags"), lambda row: "、".join(f"{names[c]} ×{n}" for c, n in row.vetoes.items())),
        (_l("Left out (conflict)"), lambda row: row.excluded, Kind.number),
        (_l("Field visits"), lambda row: row.field_visits, Kind.number),
    ]
    for criterion, _share in criteria:
        columns.append((criterion.name, lambda row, cid=criterion.id: row.criterion_means.get(cid), Kind.mean))
    return columns


def ranking_filter(args, settings) -> RankingFilter:
    """The filters of the ranking's query string."""
    return RankingFilter(
        category=args.get("category", type=int),
        topic=args.get("topic", type=int),
        unit_kind=args.get("unit_kind", ""),
        recommendation=args.get("recommendation", ""),
        flag=args.get("flag", ""),
        reviewers_per_proposal=settings.reviewers_per_proposal,
    )


def score_columns(criteria):
    """Every submitted review's scores, one row a review; conflicted ones marked."""
    columns = [
        (_l("Number"), lambda item: item[0].assignment.proposal.id),
        (_l("Project title"), lambda item: item[0].assignment.proposal.title),
        (_l("Expert"), lambda item: item[0].assignment.expert.display_name),
    ]
    for criterion, _share in criteria:
        columns.append(
            (
                criterion.name,
                lambda item, cid=criterion.id: next((s.value for s in item[0].scores if s.criterion_id == cid), None),
                Kind.number,
            )
        )
    return columns + [
        (_l("Weighted total"), lambda item: item[0].total, Kind.mean),
        (_l("Recommendation"), lambda item: item[0].recommendation.label if item[0].recommendation else ""),
        (_l("Conflict of interest"), lambda item: _("Yes: left out") if item[1] else ""),
        (_l("Overall comment (点评)"), lambda item: item[0].comment, Kind.long),
    ]


@bp.get("/rounds/<int:round_id>/ranking")
@office_required
def ranking(round_id):
    """The proposals ranked by the office's chosen measure, with every aggregate, or exported."""
    round = db.get_or_404(Round, round_id)
    if request.args.get("export") == "scores":
        return table_response(
            filename=f"review-scores-{round.year}",
            columns=score_columns(queries.criteria_of(round.id)),
            rows=queries.round_reviews(round.id),
            fmt="xlsx",
            document=Document(subject=_("Every score"), scope=round.title),
        )
    return render_ranking(round)


def render_ranking(round, *, bulk_form=None, cut_form=None, status=200):
    """The ranking page (its filters from the query string), or its export; a given form keeps its input.

    The page reads the rows it shows only, ranked in SQL from the kept standings; an export reads them all, a
    batch at a time."""
    measure = request.args.get("sort", "mean")
    settings = queries.review_settings(round.id)
    filters = ranking_filter(request.args, settings)
    criteria = queries.criteria_of(round.id)
    if fmt := export_format():  # every column, whichever the reader shows on the page
        return table_response(
            filename=f"ranking-{round.year}",
            columns=ranking_columns(criteria),
            rows=every_ranked(round.id, measure=measure, filters=filters),
            fmt=fmt,
            document=Document(subject=_("Ranking"), scope=round.title),
        )
    size = current_app.config["PAGE_SIZE"]
    page = page_number()
    rows = ranking_page(round.id, measure=measure, filters=filters, offset=(page - 1) * size, limit=size)
    shown = queries.ranking_count(round.id, filters)
    cut = cut_rank(settings, queries.reviewed_count(round.id))
    return render_template(
        "review/ranking.html",
        round=round,
        rows=rows,
        cut=cut,
        page=page,
        pages=max(1, -(-shown // size)),
        shown=shown,
        categories=[(c.id, c.name) for c in round.categories],
        topics=[(t.id, t.title) for t in topic_choices(round.id)],
        unit_kinds=UnitKind.choices(),
        recommendations=Recommendation.choices(),
        measure=measure,
        criteria=criteria,
        settings=settings,
        screenings=queries.screenings(round.id, proposal_ids=[row.proposal.id for row in rows]),
        columns=shown_columns(request.args),
        column_groups=COLUMN_GROUPS,
        rest_below_cut=count_rest_below_cut(round.id, cut),
        # the merge target is chosen among the proposals the page shows (any of the round's is accepted): a list
        # of a whole round of thousands would weigh more than the page
        bulk_form=bulk_form or BulkDecisionForm.for_round([row.proposal for row in rows], formdata=None),
        cut_form=cut_form or CutLineForm(obj=settings, formdata=None),
        funnel=queries.funnel(round.id),
        biases=queries.expert_biases(round.id),
    ), status


# The groups of the ranking's columns the reader may hide (?hide=…), to fit a narrow screen; the rank, the
# title, the number of reviews, the mean and the screening always show, and an export has every column.
COLUMN_GROUPS = {
    "aggregates": _l("Median, trimmed mean, calibrated score, standard deviation"),
    "criteria": _l("Means per criterion"),
    "details": _l("Field visits and recommendations"),
}


def shown_columns(args) -> dict[str, bool]:
    """Which column groups the page shows: all but those the query string hides."""
    hidden = set(args.getlist("hide"))
    return {group: group not in hidden for group in COLUMN_GROUPS}


@bp.post("/rounds/<int:round_id>/cut-line")
@office_required
def cut_line(round_id):
    """Draw the round's cut line from the ranking: the top N or the top x % of the reviewed proposals."""
    round = db.get_or_404(Round, round_id)
    form = CutLineForm()
    if form.validate_on_submit():
        try:
            screening.set_cut_line(
                actor=current_user, round=round, cut_line=form.cut_line.data, cut_percent=form.cut_percent.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Cut line drawn."), "success")
            return redirect(url_for("review.ranking", round_id=round.id))
    return render_ranking(round, cut_form=form, status=400)


@bp.post("/rounds/<int:round_id>/decisions/bulk")
@office_required
def decisions_bulk(round_id):
    """Decide on the proposals ticked in the ranking, or on the rest below the cut line: confirm, then a summary."""
    round = db.get_or_404(Round, round_id)
    form = BulkDecisionForm.for_round(queries.merge_targets(round.id, RankingFilter()))
    if not form.validate_on_submit():
        return render_ranking(round, bulk_form=form, status=400)
    proposals = round_rest_below_cut(round.id) if form.below_cut else queries.proposals_by_id(form.proposal_ids.data)
    if not proposals:  # nothing is left below the cut line, or the ticked numbers name no proposal
        flash(ReviewError("nothing_below_cut" if form.below_cut else "nothing_selected").message, "error")
        return render_ranking(round, bulk_form=form, status=400)
    merged_into = db.get_or_404(Proposal, form.merged_into_id.data) if form.merged_into_id.data else None
    if not form.confirmed.data:
        return render_template(
            "review/decisions_bulk_confirm.html",
            round=round,
            form=form,
            proposals=proposals,
            merged_into=merged_into,
            recipients=queries.decision_recipients([p.id for p in proposals]),
        )
    try:
        if form.decision is None:
            outcome = screening.shortlist_proposals(actor=current_user, round=round, proposals=proposals)
        else:
            outcome = screening.decide_proposals(
                actor=current_user,
                round=round,
                proposals=proposals,
                decision=form.decision,
                reason=form.reason.data,
                merged_into=merged_into,
            )
    except DomainError as error:
        show_error(form, error)
        return render_ranking(round, bulk_form=form, status=400)
    return render_template("review/decisions_bulk_done.html", round=round, form=form, outcome=outcome)


@bp.get("/proposals/<int:proposal_id>/reviews")
@office_required
def proposal_reviews(proposal_id):
    """Every review of a proposal: scores, comments, recommendation; the office may reopen one."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_screen_proposal(current_user, proposal))
    return render_proposal_reviews(proposal)


def render_proposal_reviews(proposal, *, decision_form=None, visit_form=None, status=200):
    """The office's page of a proposal's reviews, field visits and screening (a given form keeps its input)."""
    chosen = queries.screening_of(proposal.id)
    return render_template(
        "review/proposal_reviews.html",
        proposal=proposal,
        reviews=queries.reviews_of(proposal.id),
        criteria=[c for c, _share in queries.criteria_of(proposal.round_id)],
        visits=queries.field_visits(proposal.id),
        visit_form=visit_form or FieldVisitForm(formdata=None),
        screening=chosen,
        decision_form=decision_form
        or DecisionForm.for_proposal(proposal, queries.round_proposals(proposal.round_id), chosen, formdata=None),
        suggestions=queries.linked_suggestions(proposal.id),
    ), status


@bp.post("/proposals/<int:proposal_id>/flag")
@office_required
def proposal_flag(proposal_id):
    """入围 (flag=shortlisted) or ask for field research (flag=field_visit_requested); on=1 sets, on=0 clears."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_screen_proposal(current_user, proposal))
    flag = request.form.get("flag", "shortlisted")
    if flag not in screening.FLAGS:
        abort(400)
    try:
        screening.set_flag(actor=current_user, proposal=proposal, flag=flag, on=request.form.get("on") == "1")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("review.proposal_reviews", proposal_id=proposal.id))


@bp.post("/proposals/<int:proposal_id>/decision")
@office_required
def proposal_decide(proposal_id):
    """Record the office's decision on a proposal (pending until published)."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_screen_proposal(current_user, proposal))
    form = DecisionForm.for_proposal(proposal, queries.round_proposals(proposal.round_id))
    if form.validate_on_submit():
        try:
            screening.decide_proposal(
                actor=current_user,
                proposal=proposal,
                decision=form.decision.data,
                reason=form.reason.data or "",
                merged_into=db.get_or_404(Proposal, form.merged_into_id.data) if form.merged_into_id.data else None,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Decision recorded; it stays pending until the decisions are published."), "success")
            return redirect(url_for("review.proposal_reviews", proposal_id=proposal.id))
    return render_proposal_reviews(proposal, decision_form=form, status=400)


@bp.post("/rounds/<int:round_id>/decisions/publish")
@office_required
def decisions_publish(round_id):
    """Publish the round's pending decisions together; the units see their outcome."""
    round = db.get_or_404(Round, round_id)
    try:
        count = screening.publish_decisions(actor=current_user, round=round)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("%(count)d decisions published to the units.", count=count), "success")
    return redirect(url_for("review.ranking", round_id=round.id))
