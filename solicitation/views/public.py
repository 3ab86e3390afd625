"""The residents' pages: send a suggestion, look it up by tracking code, second, and what we heard."""

import functools
import secrets

from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from core.errors import DomainError
from core.forms import form_status, show_error
from core.lists import page_of
from extensions import db, limiter
from solicitation import queries
from solicitation.forms import SuggestionForm, TrackForm
from solicitation.models import PUBLIC_CHANNELS, Channel, Round, Suggestion
from solicitation.queries import theme_overview
from solicitation.services import suggestions as services
from solicitation.views import bp


def _chosen_round(candidates: list[Round]) -> Round | None:
    """The round named by ?round=, or the newest of the candidates."""
    wanted = request.args.get("round", type=int)
    return next((r for r in candidates if r.id == wanted), candidates[0] if candidates else None)


def _channel() -> Channel:
    """web by default; a WeChat or mobile link says ?channel=wechat or mobile."""
    by_value = {channel.value: channel for channel in PUBLIC_CHANNELS}
    return by_value.get(request.args.get("channel", ""), Channel.web)


def _render_suggest(form, round, rounds, status=200):
    return render_template("solicitation/suggest.html", form=form, round=round, rounds=rounds), status


def _suggest_breach(_limit):
    """Too many submissions from one client: keep what was typed and say why it was not sent."""
    rounds = queries.soliciting_rounds()
    round = _chosen_round(rounds)
    if round is None:
        return make_response(render_template("solicitation/suggest_closed.html"), 429)
    form = SuggestionForm.for_round(queries.category_choices(round.id))
    form.form_errors.append(
        _("You have sent several suggestions in a short time. Wait a minute and send again: what you wrote is kept.")
    )
    return make_response(_render_suggest(form, round, rounds, status=429))


def _accepted(response) -> bool:
    """Only a suggestion accepted counts against a resident's limit: a refused form is corrected and sent again."""
    return response.status_code == 302


@bp.route("/suggest", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["PUBLIC_POST_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_accepted,
    on_breach=_suggest_breach,
)
@limiter.limit(
    lambda: current_app.config["PUBLIC_ATTEMPT_RATE_LIMIT"],
    methods=["POST"],
    scope="attempts",  # its own count, even when both limits read the same
    on_breach=_suggest_breach,
)
def suggest():
    """Send a reform need or suggestion; no account needed."""
    rounds = queries.soliciting_rounds()
    round = _chosen_round(rounds)
    if round is None:
        return render_template("solicitation/suggest_closed.html")
    form = SuggestionForm.for_round(queries.category_choices(round.id))
    if form.validate_on_submit():
        try:
            suggestion = services.submit_suggestion(
                round=round, fields=form.suggestion_fields(), channel=_channel(), consent=form.consent.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(url_for("solicitation.track", code=suggestion.tracking_code, new=1))
    return _render_suggest(form, round, rounds, status=form_status(form))


@bp.get("/track")
@limiter.limit(lambda: current_app.config["LOOKUP_RATE_LIMIT"])
def track():
    """Look a suggestion up by its tracking code: status, public reply, what it became."""
    form = TrackForm()
    suggestion = None
    if form.code.data:
        try:
            suggestion = services.find_by_code(form.code.data)
        except DomainError as error:
            show_error(form, error)
    return render_template(
        "solicitation/track.html", form=form, suggestion=suggestion, new=request.args.get("new") == "1"
    ), (404 if form.code.errors else 200)


@bp.get("/heard")
def heard():
    """征集情况: what the round heard, by category and channel, the themes and suggestions the office published."""
    rounds = queries.public_rounds()
    round = _chosen_round(rounds)  # the newest soliciting round unless another is asked for
    if round is None:
        return render_template("solicitation/suggest_closed.html")
    heard = queries.heard_counts(round.id)
    return render_template(
        "solicitation/heard.html",
        round=round,
        rounds=rounds,
        heard=heard,
        by_category=[(name or _("Not classified"), count) for name, count in heard.by_category],
        themes=theme_overview.heard_themes(round.id),
        page=page_of(functools.partial(queries.public_suggestions, round.id), total=heard.published),
    )


@bp.post("/heard/<int:suggestion_id>/second")
@limiter.limit(lambda: current_app.config["PUBLIC_POST_RATE_LIMIT"])
def second(suggestion_id):
    """附议: second a published suggestion, once per browser."""
    suggestion = db.get_or_404(Suggestion, suggestion_id)
    browser_id = session.setdefault("browser_id", secrets.token_hex(16))
    try:
        services.second_suggestion(suggestion=suggestion, browser_id=browser_id)
    except DomainError as error:
        flash(error.message, "info")
    else:
        flash(_("Thank you: your second is counted."), "success")
    return redirect(url_for("solicitation.heard", round=suggestion.round_id, _anchor=f"s{suggestion.id}"))
