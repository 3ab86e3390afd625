"""The solicitation blueprint: rounds, unit proposals, and residents' suggestions (public and office pages)."""

from flask import Blueprint

from solicitation.queries import soliciting_rounds, suggestion_figures

bp = Blueprint("solicitation", __name__)
# The home page (core's) lists the rounds open for suggestions, and how many suggestions were received and
# answered; it stands without them.
bp.add_app_template_global(soliciting_rounds)
bp.add_app_template_global(suggestion_figures)

# Each module adds its routes to bp.
from solicitation.views import proposals, public, rounds, suggestions  # noqa: E402, F401
