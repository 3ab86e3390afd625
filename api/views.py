"""The /api/v1 endpoints: submit and look up suggestions (public); list and import them (office token)."""

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request, url_for

from accounts import services as accounts
from accounts.permissions import is_office
from api.openapi import openapi_document
from core.errors import DomainError, RowsRejected
from core.privacy import mask_email, mask_name, mask_phone
from extensions import csrf, db, limiter
from search_index import queries as search_queries
from search_index.backend import FACETS
from search_index.documents import urls_of
from solicitation import queries
from solicitation.models import PUBLIC_CHANNELS, Channel, Round, Suggestion, SuggestionStatus
from solicitation.services import imports
from solicitation.services import suggestions as services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # programs authenticate with a bearer token, not a browser cookie


def error(status: int, code: str, message: str, fields: dict | None = None):
    body = {"error": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify(body), status


def domain_error(exc: DomainError, status: int = 422):
    """A refused rule as JSON: `status`, unless the rule names its own (413 for a file too large)."""
    fields = {exc.field: exc.message} if exc.field else None
    return error(exc.statuses.get(exc.code, status), exc.code, exc.message, fields)


def _bearer_user():
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return accounts.user_for_token(header.removeprefix("Bearer ").strip())


def office_token_required(view):
    """401 without a valid token, 403 for a token of another role."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.api_user = _bearer_user()
        if g.api_user is None:
            return error(401, "unauthorized", "A valid bearer token is required.")
        if not is_office(g.api_user):
            return error(403, "forbidden", "This needs a reform office token.")
        return view(*args, **kwargs)

    return wrapped


def public_view(suggestion: Suggestion) -> dict:
    """What anyone holding the tracking code may read: never contact details."""
    return {
        "tracking_code": suggestion.display_code,
        "title": suggestion.title,
        "status": suggestion.status.value,
        "status_label": suggestion.status.label,
        "received_on": suggestion.received_on.isoformat(),
        "reply": suggestion.reply if suggestion.reply_published else None,
        # the original's title only: its tracking code belongs to another resident
        "duplicate_of": suggestion.duplicate_of.title if suggestion.duplicate_of else None,
        "linked_proposals": len(suggestion.proposals),
        "lookup_url": url_for("solicitation.track", code=suggestion.tracking_code, _external=True),
    }


def office_view(suggestion: Suggestion) -> dict:
    """The office's view; contact details masked (revealing them is a logged action of the web pages)."""
    return {
        **public_view(suggestion),
        "id": suggestion.id,
        "round_id": suggestion.round_id,
        "content": suggestion.content,
        "category": suggestion.category.name if suggestion.category else None,
        "location": suggestion.location,
        "channel": suggestion.channel.value,
        "referred_unit": suggestion.referred_unit.name if suggestion.referred_unit else None,
        "seconds": suggestion.second_count,
        "contact": {
            "name": mask_name(suggestion.contact_name),
            "phone": mask_phone(suggestion.contact_phone),
            "email": mask_email(suggestion.contact_email),
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def _office_caller() -> bool:
    return is_office(_bearer_user())


@bp.post("/suggestions")
@limiter.limit(lambda: current_app.config["PUBLIC_POST_RATE_LIMIT"], exempt_when=_office_caller)
def suggestion_submit():
    """Submit a suggestion; an office token may record any channel but a batch import."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return error(400, "bad_json", "The body must be a JSON object.")
    actor = _bearer_user()
    office = actor if is_office(actor) else None
    allowed = {c.value: c for c in (Channel if office else PUBLIC_CHANNELS) if c is not Channel.batch_import}
    channel = allowed.get(data.get("channel", "web"))
    if channel is None:
        return error(422, "channel_not_allowed", "Unknown or not allowed channel.", {"channel": sorted(allowed)})
    rounds = queries.soliciting_rounds()
    wanted = data.get("round_id")
    if wanted is not None and type(wanted) is not int:
        return error(400, "bad_json", "round_id must be an integer.")
    round = next((r for r in rounds if r.id == wanted), None) if wanted is not None else next(iter(rounds), None)
    if round is None:
        return error(422, "round_not_soliciting", "No such round is collecting suggestions.", {"round_id": "closed"})
    contact = data.get("contact") or {}
    if not isinstance(contact, dict):
        return error(400, "bad_json", "`contact` must be an object.")
    fields = {
        "title": data.get("title"),
        "content": data.get("content"),
        "category_id": data.get("category_id"),
        "location": data.get("location"),
        "contact_name": contact.get("name"),
        "contact_phone": contact.get("phone"),
        "contact_email": contact.get("email"),
    }
    texts_ok = all(value is None or isinstance(value, str) for key, value in fields.items() if key != "category_id")
    if not texts_ok or not (fields["category_id"] is None or type(fields["category_id"]) is int):
        return error(400, "bad_json", "Text fields must be strings and category_id an integer.")
    try:
        suggestion = services.submit_suggestion(
            round=round, fields=fields, channel=channel, consent=bool(data.get("consent")), actor=office
        )
    except DomainError as exc:
        return domain_error(exc)
    return jsonify(public_view(suggestion)), 201


@bp.get("/suggestions/<code>")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"])
def suggestion_lookup(code):
    """Look a suggestion up by its tracking code."""
    try:
        suggestion = services.find_by_code(code)
    except DomainError as exc:
        return domain_error(exc, status=404)
    return jsonify(public_view(suggestion))


@bp.get("/search")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], exempt_when=lambda: _bearer_user() is not None)
def search():
    """The search page's search: without a token over what is published, with one over what its user may see."""
    user = _bearer_user()
    filters = {name: [request.args[name]] for name in FACETS if request.args.get(name)}
    if not request.args.get("q", "").strip() and not filters:
        return error(422, "query_required", "Give words (`q`) or a facet filter.")
    try:
        results, found = search_queries.search(
            user=user,
            text=request.args.get("q", ""),
            filters=filters,
            order=request.args.get("order", "relevance"),
            page=request.args.get("page", 1, type=int),
            per_page=min(request.args.get("per_page", 20, type=int), 100),
        )
    except DomainError as exc:
        return domain_error(exc)
    items = [
        {
            "kind": item.hit.kind,
            "id": item.hit.record_id,
            "title": item.hit.title,
            "title_html": str(item.title),
            "snippet_html": str(item.snippet),
            "date": item.hit.date.isoformat() if item.hit.date else None,
            "url": url,
        }
        for item, url in zip(found, urls_of([item.hit for item in found], public=user is None), strict=True)
    ]
    return jsonify(
        total=results.total,
        estimated=results.estimated,
        items=items,
        facets={k: dict(v) for k, v in results.facets.items()},
    )


@bp.get("/rounds/<int:round_id>/suggestions")
@office_token_required
def suggestion_list(round_id):
    """List a round's suggestions, filtered by status and channel, a page at a time."""
    round = db.get_or_404(Round, round_id)
    try:
        status = SuggestionStatus(request.args["status"]) if "status" in request.args else None
        channel = Channel(request.args["channel"]) if "channel" in request.args else None
    except ValueError:
        return error(422, "bad_filter", "Unknown status or channel.")
    query = queries.suggestions(round_id=round.id, status=status, channel=channel, q=request.args.get("q", ""))
    page = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=min(request.args.get("per_page", 50, type=int), 200),
        error_out=False,
    )
    return jsonify(items=[office_view(s) for s in page.items], page=page.page, pages=page.pages, total=page.total)


@bp.post("/rounds/<int:round_id>/suggestions/import")
@office_token_required
def suggestion_import(round_id):
    """Import a spreadsheet (multipart field `file`): all rows or none, with each bad row reported."""
    round = db.get_or_404(Round, round_id)
    upload = request.files.get("file")
    if upload is None:
        return error(400, "file_required", "Send the spreadsheet as the multipart field `file`.")
    try:
        imported = imports.import_suggestions(
            actor=g.api_user, round=round, filename=upload.filename or "", data=upload.read()
        )
    except RowsRejected as rejected:
        problems = [{"line": line, "column": column, "message": message} for line, column, message in rejected.problems]
        return (
            jsonify(error="rows_rejected", message="Nothing was imported.", problems=problems, more=rejected.more),
            422,
        )
    except DomainError as exc:
        return domain_error(exc)
    return jsonify(imported=len(imported), tracking_codes=[s.display_code for s in imported]), 201
