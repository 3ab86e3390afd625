"""The /api/v1 endpoints: submit and look up suggestions (public); list and import them (office token)."""

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from accounts import services as accounts
from accounts.permissions import is_office
from api.errors import domain_error, error, file_required, not_a_json_object, refuse_query, refuse_upload
from api.openapi import OFFICE, openapi_document, responses, spec
from api.schemas import (
    Imported,
    NewSuggestion,
    OfficeSuggestion,
    PublicSuggestion,
    SearchItem,
    SearchQuery,
    SearchResults,
    SuggestionFile,
    SuggestionFilters,
    SuggestionPage,
    TrackedSuggestion,
)
from core.errors import DomainError, RowsRejected
from extensions import csrf, db, limiter
from search_index import queries as search_queries
from search_index.backend import FACETS
from search_index.documents import urls_of
from solicitation import queries
from solicitation.models import PUBLIC_CHANNELS, Channel, Round, SuggestionStatus
from solicitation.services import imports
from solicitation.services import suggestions as services

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # programs authenticate with a bearer token, not a browser cookie


@bp.before_request
def refuse_deep_json():
    """Refuse JSON nested past the parser's recursion limit as malformed, before anything reads it."""
    try:
        request.get_json(silent=True)
    except RecursionError:
        return not_a_json_object()


def _bearer_token():
    """The valid API token the request carries, looked up once a request (the limits and the view ask)."""
    # On the request, not on g: g outlives a request when an app context was already pushed (a test's, a job's).
    if not hasattr(request, "api_token"):
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        request.api_token = accounts.api_token_in_use(token) if token else None
    return request.api_token


def _bearer_user():
    api_token = _bearer_token()
    return api_token.user if api_token else None


def _token_limit() -> str:
    api_token = _bearer_token()
    return (api_token and api_token.rate_limit) or current_app.config["API_TOKEN_RATE_LIMIT"]


def _token_key() -> str:
    api_token = _bearer_token()
    return f"api-token:{api_token.id if api_token else ''}"


# Every call made with a token counts against that token's own limit, or the API's default; calls without one
# keep the routes' limits alone (the limit is read before it is known to be exempt, hence no token above). The
# routes' own limits say override_defaults=False so that this one still applies to them.
limiter.limit(_token_limit, key_func=_token_key, exempt_when=lambda: _bearer_token() is None)(bp)


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


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    return jsonify(openapi_document())


def _office_caller() -> bool:
    return is_office(_bearer_user())


@bp.post("/suggestions")
@limiter.limit(
    lambda: current_app.config["PUBLIC_POST_RATE_LIMIT"], exempt_when=_office_caller, override_defaults=False
)
@spec.validate(resp=responses((201, PublicSuggestion), 400, 413, 422, 429))
def suggestion_submit(json: NewSuggestion):
    """Submit a suggestion; an office token may record any channel but a batch import."""
    if json is None:  # a form post: no JSON body at all
        return not_a_json_object()
    actor = _bearer_user()
    office = actor if is_office(actor) else None
    allowed = {c.value: c for c in (Channel if office else PUBLIC_CHANNELS) if c is not Channel.batch_import}
    channel = allowed.get(json.channel)
    if channel is None:
        return error(422, "channel_not_allowed", "Unknown or not allowed channel.", {"channel": sorted(allowed)})
    rounds = queries.soliciting_rounds()
    wanted = json.round_id
    round = next((r for r in rounds if r.id == wanted), None) if wanted is not None else next(iter(rounds), None)
    if round is None:
        return error(422, "round_not_soliciting", "No such round is collecting suggestions.", {"round_id": "closed"})
    contact = json.contact.model_dump() if json.contact else {}
    fields = json.model_dump(include={"title", "content", "category_id", "location"})
    fields |= {f"contact_{name}": value for name, value in contact.items()}
    try:
        suggestion = services.submit_suggestion(
            round=round, fields=fields, channel=channel, consent=json.consent, actor=office
        )
    except DomainError as exc:
        return domain_error(exc)
    return PublicSuggestion.of(suggestion), 201


@bp.get("/suggestions/<code>")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"], override_defaults=False)
@spec.validate(resp=responses((200, TrackedSuggestion), 400, 404, 429))
def suggestion_lookup(code):
    """Look a suggestion up by its tracking code."""
    try:
        suggestion = services.find_by_code(code)
    except DomainError as exc:
        return domain_error(exc, status=404)
    return TrackedSuggestion.of(suggestion)


@bp.get("/search")
@limiter.limit(
    lambda: current_app.config["LOOKUP_RATE_LIMIT"],
    exempt_when=lambda: _bearer_user() is not None,
    override_defaults=False,
)
@spec.validate(resp=responses((200, SearchResults), 400, 422, 429, 503), before=refuse_query)
def search(query: SearchQuery):
    """The search page's search: without a token over what is published, with one over what its user may see."""
    user = _bearer_user()
    filters = {name: [getattr(query, name)] for name in FACETS if getattr(query, name)}
    if not query.q.strip() and not filters:
        return error(422, "query_required", "Give words (`q`) or a facet filter.")
    try:
        results, found = search_queries.search(
            user=user, text=query.q, filters=filters, order=query.order, page=query.page, per_page=query.per_page
        )
    except DomainError as exc:
        return domain_error(exc)
    urls = urls_of([item.hit for item in found], reader=user)
    items = [
        SearchItem(
            kind=item.hit.kind,
            id=item.hit.record_id,
            title=item.hit.title,
            title_html=str(item.title),
            snippet_html=str(item.snippet),
            date=item.hit.date.date() if item.hit.date else None,  # a key project's is its plan's publication
            url=url,
        )
        for item, url in zip(found, urls, strict=True)
    ]
    facets = {k: dict(v) for k, v in results.facets.items()}
    return SearchResults(total=results.total, estimated=results.capped, items=items, facets=facets)


@bp.get("/rounds/<int(max=2147483647):round_id>/suggestions")
@office_token_required
@spec.validate(resp=responses((200, SuggestionPage), 400, 401, 403, 404, 422), before=refuse_query, security=OFFICE)
def suggestion_list(round_id, query: SuggestionFilters):
    """List a round's suggestions, filtered by status and channel, a page at a time."""
    round = db.get_or_404(Round, round_id)
    status = SuggestionStatus(query.status) if query.status else None
    channel = Channel(query.channel) if query.channel else None
    select = queries.suggestions(g.api_user, round_id=round.id, status=status, channel=channel, q=query.q)
    page = db.paginate(select, page=query.page, per_page=query.per_page, error_out=False)
    items = [OfficeSuggestion.of(s) for s in page.items]
    return SuggestionPage(items=items, page=page.page, pages=page.pages, total=page.total)


@bp.post("/rounds/<int(max=2147483647):round_id>/suggestions/import")
@office_token_required
@spec.validate(resp=responses((201, Imported), 400, 401, 403, 404, 413, 422), before=refuse_upload, security=OFFICE)
def suggestion_import(round_id, form: SuggestionFile):
    """Import a spreadsheet (multipart field `file`): all rows or none, with each bad row reported."""
    round = db.get_or_404(Round, round_id)
    if form is None:  # not a multipart form at all
        return file_required()
    try:
        imported = imports.import_suggestions(
            actor=g.api_user, round=round, filename=form.file.filename or "", data=form.file.read()
        )
    except RowsRejected as rejected:
        problems = [{"line": line, "column": column, "message": message} for line, column, message in rejected.problems]
        return (
            jsonify(error="rows_rejected", message="Nothing was imported.", problems=problems, more=rejected.more),
            422,
        )
    except DomainError as exc:
        return domain_error(exc)
    return Imported(imported=len(imported), tracking_codes=[s.display_code for s in imported]), 201
