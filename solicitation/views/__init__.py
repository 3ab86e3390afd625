"""The solicitation blueprint: rounds, unit proposals, and residents' suggestions (public and office pages)."""

from flask import Blueprint

from core import clock
from solicitation.queries import round_in_progress, soliciting_rounds, suggestion_figures

bp = Blueprint("solicitation", __name__)
# The home page (core's) lists the rounds open for suggestions, and how many suggestions were received and
# answered; it stands without them.
bp.add_app_template_global(soliciting_rounds)
bp.add_app_template_global(suggestion_figures)
# The office's home shows the round under way, its phase and what the next phase needs.
bp.add_app_template_global(lambda: round_in_progress(clock.today()), "round_in_progress")

# Each module adds its routes to bp.
from solicitation.views import near_duplicates, proposals, public, rounds, suggestions, themes, topics  # noqa: E402, F401
