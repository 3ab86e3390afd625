"""The office's suggestion pages (entry, triage, import, bulk replies) and the referred unit's answers."""

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from accounts.models import Unit
from accounts.permissions import is_office, login_required, office_required, require
from core.errors import DomainError
from core.exports import Document, count_rows, filter_words, table_response
from core.forms import Form, ImportForm, form_status, show_error
from core.imports import run_import, template_response
from core.lists import FoundPage, export_format, list_or_export, page_number, paginate
from core.request_input import stored_int
from extensions import db
from jobs.models import Job
from solicitation import queries
from solicitation.exports import suggestion_columns
from solicitation.forms import (
    AnswerForm,
    BulkTriageForm,
    DecideForm,
    DraftProposalForm,
    DuplicateForm,
    LinkProposalsForm,
    OfficeSuggestionForm,
    ReferForm,
    RejectForm,
    SuggestionFilterForm,
)
from solicitation.models import Round, Suggestion, Theme
from solicitation.permissions import (
    can_answer_referral,
    can_draft_from_suggestion,
    can_see_referrals,
    can_triage_suggestions,
    can_view_suggestion,
)
from solicitation.queries import theme_overview
from solicitation.services import background_triage, imports
from solicitation.services import exports as export_services
from solicitation.services import proposals as proposal_services
from solicitation.services import suggestions as services
from solicitation.views import bp


@bp.get("/rounds/<int:round_id>/suggestions")
@office_required
def suggestion_list(round_id):
    """List the round's suggestions with filters and counts, or export them."""
    round = db.get_or_404(Round, round_id)
    return _list_page(round, BulkTriageForm.for_round(queries.submitted_proposals(round.id), formdata=None))


def _list_page(round, bulk_form, *, chosen_ids=(), status=200):
    """The list (or its export) with the bulk triage form, a sent one keeping the user's choices and errors."""
    filters, chosen = _chosen(round)
    context = {"round": round, "filters": filters, "bulk_form": bulk_form, "chosen_ids": set(chosen_ids)}
    if services.searched_by_words(chosen) and export_format() is None:
        found = queries.word_matches(
            current_user,
            round_id=round.id,
            page=page_number(),
            per_page=current_app.config["PAGE_SIZE"],
            **services.word_search_filters(chosen),
        )
        page = FoundPage(items=found.items, total=found.total, capped=found.capped)
        return render_template("solicitation/suggestion_list.html", page=page, counts=found.counts, **context), status
    query = queries.suggestions(current_user, round_id=round.id, **chosen)
    # Without words, the summary counts give the counts and the total exactly, without counting the rows.
    counts = None if chosen["q"] else queries.status_counts(round_id=round.id, **_without_words(chosen))
    page = list_or_export(
        query,
        filename=f"suggestions-{round.year}",
        columns=suggestion_columns(reveal=False),
        subject=_("Residents' suggestions"),
        scope=round.title,
        background=url_for("solicitation.suggestion_export_job", round_id=round.id),
        template="solicitation/suggestion_list.html",
        of_page=lambda _page: {"counts": counts if counts is not None else queries.counts_by(Suggestion.status, query)},
        total=None if counts is None else sum(count for _status, count in counts),
        keyset=(Suggestion.created_at, Suggestion.id),
        **context,
    )
    return page, status


def _without_words(chosen: dict) -> dict:
    return {name: value for name, value in chosen.items() if name != "q"}


@bp.post("/rounds/<int:round_id>/suggestions/bulk")
@office_required
def suggestion_bulk_confirm(round_id):
    """Show how many of the chosen suggestions a bulk action would change, which it would leave and who would be
    mailed (for many matching, how many it would act on), and ask to confirm."""
    return _bulk(round_id, applied=False)


@bp.post("/rounds/<int:round_id>/suggestions/bulk/apply")
@office_required
def suggestion_bulk_apply(round_id):
    """Make the confirmed bulk action and show what it changed and what it left, and why; on many suggestions
    matching, queue it and follow it on its job's page."""
    return _bulk(round_id, applied=True)


def _bulk(round_id, *, applied):
    """Load the chosen suggestions (by id, all matching the list's filter, or all a theme's), preview or make the
    action; on bad input show the list again with the message and the choices kept."""
    round = db.get_or_404(Round, round_id)
    form = BulkTriageForm.for_round(queries.submitted_proposals(round.id))
    ids = request.form.getlist("suggestion_id", type=stored_int)
    if form.validate_on_submit():
        try:
            outcome = _triage_chosen(round, form, ids, applied=applied)
        except DomainError as error:
            show_error(form, error)
        else:
            if isinstance(outcome, Job):
                return redirect(url_for("jobs.job_detail", job_id=outcome.id))
            return render_template(
                "solicitation/suggestion_bulk.html", round=round, form=form, outcome=outcome, applied=applied
            )
    return _list_page(round, form, chosen_ids=ids, status=400)


def _triage_chosen(round, form, ids, *, applied):
    """Preview or make the form's choice on the suggestions `ids`, or on all matching: the list's filter, or the
    theme the confirmation names."""
    choice = form.choice()
    if not form.all_matching.data:
        act = services.triage_suggestions if applied else services.preview_triage
        return act(actor=current_user, round=round, suggestions=queries.round_suggestions(round.id, ids), choice=choice)
    theme_id = request.form.get("theme_id", type=stored_int)
    if theme_id is not None:
        if db.get_or_404(Theme, theme_id).round_id != round.id:
            abort(404)
        selection = background_triage.Selection(theme_id=theme_id)
    else:
        selection = background_triage.Selection(filters=_chosen(round)[1])
    if not applied:
        return background_triage.preview_all_matching(
            actor=current_user, round=round, selection=selection, choice=choice
        )
    links = [(_("Residents' suggestions"), url_for("solicitation.suggestion_list", round_id=round.id))]
    return background_triage.triage_all_matching(
        actor=current_user, round=round, selection=selection, choice=choice, locale=str(get_locale()), links=links
    )


def _filtered(round):
    """The list's filter form (from the query string) and the select it makes."""
    filters, chosen = _chosen(round)
    return filters, queries.suggestions(current_user, round_id=round.id, **chosen)


def _chosen(round):
    """The list's filter form (from the query string) and the filters it chose, as keywords."""
    filters = SuggestionFilterForm.for_round(round)
    chosen = {
        "q": filters.q.data or "",
        "status": filters.status.data,
        "channel": filters.channel.data,
        "category_id": filters.category.data,
        "held_reply": bool(filters.held.data),
    }
    return filters, chosen


@bp.post("/rounds/<int:round_id>/suggestions/export-job")
@office_required
def suggestion_export_job(round_id):
    """Export the filtered list (as `?export=csv`, or Excel) as a file made in the background; follow it on the
    job's page."""
    round = db.get_or_404(Round, round_id)
    filters, chosen = _chosen(round)
    job = export_services.export_suggestions(
        actor=current_user,
        round=round,
        locale=str(get_locale()),
        fmt=export_format() or "xlsx",
        described=filter_words(filters),
        **chosen,
    )
    return redirect(url_for("jobs.job_detail", job_id=job.id))


@bp.post("/rounds/<int:round_id>/suggestions/export-contacts")
@office_required
def suggestion_export_contacts(round_id):
    """Export the filtered list with residents' contact details unmasked; the export is logged."""
    round = db.get_or_404(Round, round_id)
    filters, query = _filtered(round)
    services.record_contact_export(actor=current_user, round=round, count=count_rows(query))
    document = Document(subject=_("Residents' suggestions"), scope=round.title, filters=filter_words(filters))
    return table_response(
        filename=f"suggestions-{round.year}-contacts",
        columns=suggestion_columns(reveal=True),
        rows=query,  # read in batches as the file is written
        fmt="xlsx",
        document=document,
    )


@bp.post("/rounds/<int:round_id>/suggestions/publish-replies")
@office_required
def suggestion_publish_replies(round_id):
    """Publish the held replies of the chosen suggestions together."""
    round = db.get_or_404(Round, round_id)
    ids = request.form.getlist("suggestion_id", type=stored_int)
    chosen = queries.round_suggestions(round.id, ids)
    count = services.publish_replies(actor=current_user, suggestions=chosen)
    flash(_("%(count)d replies published.", count=count), "success")
    return redirect(url_for("solicitation.suggestion_list", round_id=round.id, held="yes"))


@bp.route("/rounds/<int:round_id>/suggestions/new", methods=["GET", "POST"])
@office_required
def suggestion_create(round_id):
    """Enter a suggestion that arrived by phone, letter or at a forum, on the resident's behalf."""
    round = db.get_or_404(Round, round_id)
    form = OfficeSuggestionForm.for_round(queries.category_choices(round.id))
    if form.validate_on_submit():
        try:
            suggestion = services.submit_suggestion(
                round=round,
                fields=form.suggestion_fields(),
                channel=form.channel.data,
                consent=form.consent.data,
                received_on=form.received_on.data,
                actor=current_user,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Suggestion recorded; its tracking code is %(code)s.", code=suggestion.display_code), "success")
            return redirect(url_for("solicitation.suggestion_detail", suggestion_id=suggestion.id))
    return render_template("solicitation/suggestion_form.html", form=form, round=round)


def _render_detail(suggestion, *, contact=None, forms=None, status=200):
    """The suggestion page with its triage forms (any given one carrying the user's input and errors)."""
    forms = forms or {}
    office = can_triage_suggestions(current_user)
    proposals = queries.submitted_proposals(suggestion.round_id) if office else []
    return render_template(
        "solicitation/suggestion_detail.html",
        suggestion=suggestion,
        near=queries.near_duplicate_of(suggestion.id) if office else None,
        near_copies=queries.near_copy_count(suggestion.id) if office else 0,
        theme=theme_overview.theme_of(suggestion.id) if office else None,
        fed=queries.proposals_fed_by(current_user, [suggestion.id])[suggestion.id],
        contact=contact,
        masked=suggestion.masked_contact,
        next_statuses=services.SUGGESTION_TRANSITIONS[suggestion.status],
        reject_form=forms.get("reject") or RejectForm.make(formdata=None),
        duplicate_form=forms.get("duplicate") or DuplicateForm(formdata=None),
        refer_form=forms.get("refer") or ReferForm.make(formdata=None),
        link_form=forms.get("link") or LinkProposalsForm.for_suggestion(suggestion, proposals, formdata=None),
        decide_form=forms.get("decide") or DecideForm(formdata=None),
        answer_form=forms.get("answer") or AnswerForm(formdata=None, answer=suggestion.unit_answer),
        draft_form=forms.get("draft") or DraftProposalForm.for_suggestion(suggestion, formdata=None),
    ), status


@bp.get("/suggestions/<int:suggestion_id>")
@login_required
def suggestion_detail(suggestion_id):
    """Show a suggestion: to the office with its triage, to the referred unit with its answer form."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    require(can_view_suggestion(current_user, suggestion))
    return _render_detail(suggestion)


def _triage(suggestion_id, form_name, form, act, done_message):
    """Load, check, validate `form`, act; on a refused rule show the page again with the form's errors."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    if form.validate_on_submit():
        try:
            act(suggestion, form)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done_message, "success")
            return redirect(url_for("solicitation.suggestion_detail", suggestion_id=suggestion.id))
    return _render_detail(suggestion, forms={form_name: form}, status=400)


@bp.post("/suggestions/<int:suggestion_id>/accept")
@office_required
def suggestion_accept(suggestion_id):
    """受理: take the suggestion up (again)."""
    return _triage(
        suggestion_id,
        "accept",
        Form(),
        lambda s, _f: services.accept_suggestion(actor=current_user, suggestion=s),
        _("Suggestion accepted."),
    )


@bp.post("/suggestions/<int:suggestion_id>/reopen")
@office_required
def suggestion_reopen(suggestion_id):
    """撤回受理: take back an acceptance nothing followed."""
    return _triage(
        suggestion_id,
        "reopen",
        Form(),
        lambda s, _f: services.reopen_suggestion(actor=current_user, suggestion=s),
        _("The acceptance is taken back: the suggestion is received again."),
    )


@bp.post("/suggestions/<int:suggestion_id>/reject")
@office_required
def suggestion_reject(suggestion_id):
    """不予受理, with the reason."""
    return _triage(
        suggestion_id,
        "reject",
        RejectForm.make(),
        lambda s, f: services.reject_suggestion(
            actor=current_user, suggestion=s, reason=f.reason.data, reply=f.reply.data or ""
        ),
        _("Suggestion set aside."),
    )


@bp.post("/suggestions/<int:suggestion_id>/duplicate")
@office_required
def suggestion_duplicate(suggestion_id):
    """Merge the suggestion into an original, named by tracking code or number."""

    def act(suggestion, form):
        original = services.find_by_number_or_code(form.original.data.strip())
        services.mark_duplicate(actor=current_user, suggestion=suggestion, original=original)

    return _triage(suggestion_id, "duplicate", DuplicateForm(), act, _("Suggestion merged into its original."))


@bp.post("/suggestions/<int:suggestion_id>/refer")
@office_required
def suggestion_refer(suggestion_id):
    """转办: refer the suggestion to a unit."""
    return _triage(
        suggestion_id,
        "refer",
        ReferForm.make(),
        lambda s, f: services.refer_suggestion(
            actor=current_user, suggestion=s, unit=db.get_or_404(Unit, f.unit_id.data), note=f.note.data or ""
        ),
        _("Suggestion referred."),
    )


@bp.post("/suggestions/<int:suggestion_id>/link")
@office_required
def suggestion_link(suggestion_id):
    """Record the proposals the suggestion fed into."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    form = LinkProposalsForm.for_suggestion(suggestion, queries.submitted_proposals(suggestion.round_id))
    return _triage(
        suggestion_id,
        "link",
        form,
        lambda s, f: services.link_proposals(actor=current_user, suggestion=s, proposal_ids=f.proposal_ids.data),
        _("Linked proposals saved."),
    )


@bp.post("/suggestions/<int:suggestion_id>/decide")
@office_required
def suggestion_decide(suggestion_id):
    """采纳 or not, with the public reply."""
    return _triage(
        suggestion_id,
        "decide",
        DecideForm(),
        lambda s, f: services.decide_suggestion(
            actor=current_user,
            suggestion=s,
            adopted=f.adopted.data == "yes",
            reply=f.reply.data or "",
            publish_reply=f.publish_reply.data,
        ),
        _("Decision recorded."),
    )


@bp.post("/suggestions/<int:suggestion_id>/public")
@office_required
def suggestion_public(suggestion_id):
    """Show the suggestion on the public page, or take it off."""
    public = request.form.get("public") == "1"
    return _triage(
        suggestion_id,
        "public",
        Form(),
        lambda s, _f: services.set_public(actor=current_user, suggestion=s, public=public),
        _("Published on the public page.") if public else _("Taken off the public page."),
    )


@bp.post("/suggestions/<int:suggestion_id>/reveal")
@office_required
def suggestion_reveal(suggestion_id):
    """Show the resident's contact details to the office; the reveal is logged."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    contact = services.reveal_contact(actor=current_user, suggestion=suggestion)
    return _render_detail(suggestion, contact=contact)


@bp.post("/suggestions/<int:suggestion_id>/answer")
@login_required
def suggestion_answer(suggestion_id):
    """The referred unit answers the office."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    require(can_answer_referral(current_user, suggestion))
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_referral(actor=current_user, suggestion=suggestion, answer=form.answer.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Answer sent to the reform office."), "success")
            return redirect(url_for("solicitation.suggestion_detail", suggestion_id=suggestion.id))
    return _render_detail(suggestion, forms={"answer": form}, status=400)


@bp.post("/suggestions/<int:suggestion_id>/draft-proposal")
@login_required
def suggestion_draft_proposal(suggestion_id):
    """Turn the suggestion into a draft proposal of a unit, linked both ways."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    require(can_draft_from_suggestion(current_user, suggestion))
    form = DraftProposalForm.for_suggestion(suggestion)
    if form.validate_on_submit():
        unit = db.get_or_404(Unit, form.unit_id.data) if form.unit_id.data and is_office(current_user) else None
        try:
            proposal = proposal_services.draft_from_suggestion(actor=current_user, suggestion=suggestion, unit=unit)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Draft proposal created for %(unit)s from the suggestion.", unit=proposal.unit.name), "success")
            return redirect(url_for("solicitation.proposal_detail", proposal_id=proposal.id))
    return _render_detail(suggestion, forms={"draft": form}, status=400)


@bp.get("/referrals")
@login_required
def referral_list():
    """The suggestions referred to the reader's unit, those awaiting an answer first."""
    require(can_see_referrals(current_user))
    return render_template("solicitation/referral_list.html", page=paginate(queries.referred_to(current_user)))


@bp.route("/rounds/<int:round_id>/suggestions/import", methods=["GET", "POST"])
@office_required
def suggestion_import(round_id):
    """Import suggestions from a spreadsheet: all rows, or none with a report of each bad row; a large file in the
    background, followed on its job's page."""
    round = db.get_or_404(Round, round_id)
    form = ImportForm()
    done, outcome, rejected = run_import(form, partial(_import, round))
    if done and isinstance(outcome, Job):
        return redirect(url_for("jobs.job_detail", job_id=outcome.id))
    if done:
        flash(_("%(count)d suggestions imported.", count=len(outcome)), "success")
        return redirect(url_for("solicitation.suggestion_list", round_id=round.id, channel="import"))
    page = render_template("solicitation/suggestion_import.html", form=form, round=round, rejected=rejected)
    return page, form_status(form)


def _import(round, *, filename, data):
    """Import a small file at once, and queue a larger one (past IMPORT_INLINE_MAX_BYTES) as a job."""
    if len(data) <= current_app.config["IMPORT_INLINE_MAX_BYTES"]:
        return imports.import_suggestions(actor=current_user, round=round, filename=filename, data=data)
    links = [
        (_("Import another file"), url_for("solicitation.suggestion_import", round_id=round.id)),
        (
            _("The round's imported suggestions"),
            url_for("solicitation.suggestion_list", round_id=round.id, channel="import"),
        ),
    ]
    return imports.import_in_background(
        actor=current_user, round=round, filename=filename, data=data, locale=str(get_locale()), links=links
    )


@bp.get("/suggestions/import-template.<fmt>")
@office_required
def suggestion_import_template(fmt):
    """Download the import template, .xlsx or .csv."""
    require(can_triage_suggestions(current_user))
    return template_response(filename="suggestions-template", columns=imports.COLUMNS, rows=[imports.EXAMPLE], fmt=fmt)
