"""The expert's pages: the queue of assigned proposals and the review form."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from accounts.permissions import login_required, require
from core.errors import DomainError
from core.forms import form_status, show_error
from core.storage import download_response
from extensions import db
from review import queries
from review.errors import ReviewError
from review.forms import AbstainForm, FieldVisitForm, ReviewForm
from review.models import Assignment, FieldVisitAttachment, ReviewStage, ReviewStatus
from review.permissions import can_record_field_visit, can_review, can_view_field_visit, is_expert, review_refusal
from review.services import conflicts, field_visits, reviews
from review.views import bp
from review.views.ranking import render_proposal_reviews
from solicitation.models import Proposal


@bp.get("/reviews")
@login_required
def my_reviews():
    """The expert's assigned proposals, those still to review first."""
    require(is_expert(current_user))
    assignments = queries.my_assignment_list(current_user)
    settings = queries.review_settings_of({a.proposal.round_id for a in assignments})
    # In a panel discussion the most disputed proposals come first, after those still to review.
    spread = {}
    for round_id, round_settings in settings.items():
        if round_settings.stage is ReviewStage.discussion:
            spread.update(queries.disagreement(round_id))
    assignments = sorted(
        assignments,
        key=lambda a: (
            a.review is not None and a.review.status is ReviewStatus.submitted,
            -spread.get(a.proposal_id, 0),
        ),
    )
    return render_template(
        "review/my_reviews.html",
        assignments=assignments,
        settings=settings,
        spread=spread,
        screenings=queries.my_suggestion_reviews(current_user),
    )


def _criteria(assignment):
    return [c for c, _share in queries.criteria_of(assignment.proposal.round_id)]


def _next_assignment(after: Assignment):
    for candidate in queries.my_assignment_list(current_user):
        if candidate.id != after.id and (candidate.review is None or candidate.review.status.value == "draft"):
            return candidate
    return None


@bp.route("/reviews/<int:assignment_id>", methods=["GET", "POST"])
@login_required
def review_form(assignment_id):
    """Review one proposal: a score per criterion, the comment, the recommendation; save, submit, or submit and next."""
    assignment = db.get_or_404(Assignment, assignment_id)
    require(can_review(current_user, assignment))
    form = ReviewForm.for_criteria(_criteria(assignment), assignment.review)
    if form.validate_on_submit():
        action = request.form.get("action", "save")
        try:
            reviews.save_review(
                actor=current_user,
                assignment=assignment,
                scores=form.scores(),
                comment=form.comment.data or "",
                recommendation=form.recommendation.data,
                familiarity=form.familiarity.data,
                submit=action in ("submit", "submit_next"),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            if action == "save":
                flash(_("Draft saved."), "success")
                return redirect(url_for("review.review_form", assignment_id=assignment.id))
            flash(_("Review submitted."), "success")
            following = _next_assignment(assignment) if action == "submit_next" else None
            return redirect(
                url_for("review.review_form", assignment_id=following.id) if following else url_for("review.my_reviews")
            )
    return _render_review_form(assignment, form=form, status=form_status(form))


def _render_review_form(assignment, *, form=None, visit_form=None, status=200):
    """The expert's page of a proposal: the text, field visits, the review form, in discussion the panel's."""
    form = form or ReviewForm.for_criteria(_criteria(assignment), assignment.review)
    settings = queries.review_settings(assignment.proposal.round_id)
    submitted = assignment.review is not None and assignment.review.status is ReviewStatus.submitted
    # The panel's scores show in the discussion, and only to an expert who has scored on their own.
    panel = submitted and settings.stage is not ReviewStage.independent
    return render_template(
        "review/review_form.html",
        assignment=assignment,
        proposal=assignment.proposal,
        form=form,
        abstain_form=AbstainForm(formdata=None),
        blind=settings.blind,
        stage=settings.stage,
        visits=queries.field_visits(assignment.proposal_id),
        visit_form=visit_form or FieldVisitForm(formdata=None),
        refusal=ReviewError(code).message if (code := review_refusal(assignment)) else None,
        panel=queries.panel_reviews(assignment.proposal_id) if panel else None,
        visit_requested=bool((chosen := queries.screening_of(assignment.proposal_id)) and chosen.field_visit_requested),
    ), status


@bp.post("/reviews/<int:assignment_id>/abstain")
@login_required
def review_abstain(assignment_id):
    """回避: the expert declares a conflict and leaves the proposal."""
    assignment = db.get_or_404(Assignment, assignment_id)
    require(can_review(current_user, assignment))
    form = AbstainForm()
    conflicts.declare_conflict(actor=current_user, proposal=assignment.proposal, reason=form.reason.data or "")
    flash(_("You abstained; the reform office will assign the proposal to another expert."), "success")
    return redirect(url_for("review.my_reviews"))


@bp.post("/proposals/<int:proposal_id>/field-visits")
@login_required
def field_visit_add(proposal_id):
    """Record a field visit (实地调研) for a proposal under review."""
    proposal = db.get_or_404(Proposal, proposal_id)
    require(can_record_field_visit(current_user, proposal))
    form = FieldVisitForm()
    if form.validate_on_submit():
        try:
            field_visits.record_field_visit(
                actor=current_user,
                proposal=proposal,
                visited_on=form.visited_on.data,
                place=form.place.data,
                people_met=form.people_met.data or "",
                findings=form.findings.data,
                files=form.uploads(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Field visit recorded."), "success")
            return redirect(_field_visits_page(proposal) + "#visits")
    # Refused: the page again, with what was typed.
    if is_expert(current_user):
        return _render_review_form(_own_assignment(proposal), visit_form=form, status=form_status(form))
    return render_proposal_reviews(proposal, visit_form=form, status=form_status(form))


def _own_assignment(proposal):
    return queries.assignment_of(current_user, proposal.id)


def _field_visits_page(proposal) -> str:
    if is_expert(current_user):
        return url_for("review.review_form", assignment_id=_own_assignment(proposal).id)
    return url_for("review.proposal_reviews", proposal_id=proposal.id)


@bp.get("/field-visits/<int:visit_id>/files/<int:file_id>")
@login_required
def field_visit_file(visit_id, file_id):
    """Download a field visit's file, for those who may see the visit."""
    file = db.one_or_404(
        select(FieldVisitAttachment).where(
            FieldVisitAttachment.id == file_id, FieldVisitAttachment.field_visit_id == visit_id
        )
    )
    require(can_view_field_visit(current_user, file.field_visit))
    return download_response(file.storage_key, content_type=file.content_type, filename=file.filename)
