"""The search page (everyone finds what they may see: the public only what is published) and the dictionary."""

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.models import UnitKind
from accounts.permissions import office_required
from core.errors import DomainError
from core.exports import Document, table_response
from core.forms import form_status, show_error
from core.lists import export_format, page_number
from extensions import db, limiter
from plan.models import PlanStatus, ReportState
from search_index import queries, services
from search_index.backend import FACETS
from search_index.documents import urls_of
from search_index.forms import TermsForm
from search_index.models import SearchQueue
from search_index.permissions import can_export_search
from solicitation.models import Channel, ProposalStatus, SuggestionStatus
from solicitation.queries import register_word_search

bp = Blueprint("search_index", __name__)
# What search adds to solicitation's pages (solicitation never imports search_index): the office triaging a
# suggestion sees the closest suggestions and proposals; the page stands without them.
bp.add_app_template_global(queries.similar_to_suggestion)
# And to the office's page of background work (jobs never imports search_index): the search queue's backlog.
bp.add_app_template_global(queries.search_backlog)
# And the office's suggestion list its search box: the same segmentation and index as /search.
bp.record_once(lambda state: register_word_search(state.app, queries.round_suggestion_matches))

KIND_LABELS = {
    "proposal": _l("Proposal"),
    "suggestion": _l("Suggestion"),
    "key_project": _l("Key project"),
    "progress_report": _l("Progress report"),
}
FACET_LABELS = {
    "kind": _l("Type"),
    "round_id": _l("Round"),
    "category": _l("Category"),
    "status": _l("Status"),
    "unit_kind": _l("Unit kind"),
    "unit": _l("Unit"),
    "channel": _l("Channel"),
}
EXPORT_LIMIT = 2000


def facet_labeller(facets: dict[str, list[tuple[str, int]]], filters: dict[str, str]):
    """A function giving what a facet's stored value reads as; the rounds it names are read in one query."""
    ids = {int(value) for value, _count in facets.get("round_id", []) if value.isdigit()}
    if filters.get("round_id", "").isdigit():
        ids.add(int(filters["round_id"]))
    titles = queries.round_titles(ids)

    def label(name: str, value: str) -> str:
        if name == "kind":
            return str(KIND_LABELS.get(value, value))
        if name == "round_id":
            return titles.get(int(value), value) if value.isdigit() else value
        enums = {"unit_kind": (UnitKind,), "channel": (Channel,)}.get(
            name, (ProposalStatus, SuggestionStatus, ReportState, PlanStatus) if name == "status" else ()
        )
        for enum in enums:
            if value in enum._value2member_map_:
                return str(enum(value).label)
        return value

    return label


@bp.get("/search")
def search():
    """Search what the reader may see, with facets, order, pages, marked snippets (and, for staff, export)."""
    text = request.args.get("q", "").strip()
    filters = {name: [request.args[name]] for name in FACETS if request.args.get(name)}
    order = request.args.get("order", "relevance")
    fmt = export_format() if can_export_search(current_user) else None
    per_page = EXPORT_LIMIT if fmt else 20
    page = 1 if fmt else page_number()
    results, found, error = None, [], None
    if text or filters:
        try:
            results, found = queries.search(
                user=current_user, text=text, filters=filters, order=order, page=page, per_page=per_page
            )
        except DomainError as refused:
            error = refused.message
    elif request.args:
        error = _("Type what you are looking for.")
    rows = list(zip(found, urls_of([item.hit for item in found], reader=current_user), strict=True))
    if fmt and results is not None:
        columns = [
            (_l("Type"), lambda row: KIND_LABELS[row[0].hit.kind]),
            (_l("Title"), lambda row: row[0].hit.title),
            (_l("Date"), lambda row: row[0].hit.date.date().isoformat() if row[0].hit.date else ""),
            (_l("Link"), lambda row: request.host_url.rstrip("/") + row[1]),
        ]
        document = Document(subject=_("Search results"), filters=_("Words: %(text)s", text=text))
        return table_response(filename="search", columns=columns, rows=rows, fmt=fmt, document=document)
    chosen = {name: values[0] for name, values in filters.items()}
    return render_template(
        "search_index/search.html",
        text=text,
        filters=chosen,
        order=order,
        page=page,
        results=results,
        rows=rows,
        error=error,
        facet_labels=FACET_LABELS,
        facet_label=facet_labeller(results.facets if results else {}, chosen),
        kind_labels=KIND_LABELS,
    )


@bp.get("/search/similar")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"])
def similar():
    """What is already published like the text a resident is writing (the suggestion form asks as they type)."""
    text = request.args.get("text", "")[:2000]
    try:
        hits = queries.similar(user=None, text=text, kinds=["suggestion", "key_project"], limit=5) if text else []
    except DomainError:  # the index is being rebuilt: the resident writes on, shown nothing alike
        hits = []
    return jsonify(
        [
            {"title": hit.title, "kind": str(KIND_LABELS[hit.kind]), "url": url}
            for hit, url in zip(hits, urls_of(hits, reader=None), strict=True)
        ]
    )


@bp.route("/search/terms", methods=["GET", "POST"])
@office_required
def terms():
    """The domain dictionary: terms the segmenter keeps whole; saving it rebuilds the index."""
    form = TermsForm()
    current = services.domain_terms()
    form.removed.choices = [(term, term) for term in current]
    if form.validate_on_submit():
        try:
            services.save_terms(
                actor=current_user, added=(form.added.data or "").split(), removed=form.removed.data or []
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Dictionary saved; the search index is being rebuilt with it."), "success")
            return redirect(url_for("search_index.terms"))
    status = form_status(form)
    return render_template("search_index/terms.html", form=form, terms=current), status


@bp.post("/admin/search/queue/<int:change_id>/retry")
@office_required
def search_change_retry(change_id):
    """Queue again a change of the search queue that could not be applied."""
    change = db.get_or_404(SearchQueue, change_id)
    services.retry_search_change(actor=current_user, change=change)
    flash(_("The change is queued again for the search index."), "success")
    return redirect(url_for("jobs.job_list"))
