"""The home page and the choice of interface language."""

from flask import Blueprint, current_app, has_request_context, redirect, render_template, request, session, url_for
from flask_login import current_user

from core.web import safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
def index():
    """Show the home page: what the platform is, and each role's way in."""
    return render_template("core/index.html", user=current_user)


@bp.get("/language/<code>")
def set_language(code):
    """Switch the interface language and go back to the page the reader was on."""
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("core.index"))


def select_locale() -> str:
    """The reader's chosen language, else the configured default (Chinese)."""
    chosen = session.get("language") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
