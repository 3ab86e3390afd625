"""The solicitation blueprint: rounds, unit proposals, and residents' suggestions (public and office pages)."""

from flask import Blueprint

from solicitation.queries import soliciting_rounds

bp = Blueprint("solicitation", __name__)
# The home page (core's) lists the rounds open for suggestions; it stands without them.
bp.add_app_template_global(soliciting_rounds)

# Each module adds its routes to bp.
from solicitation.views import proposals, public, rounds, suggestions  # noqa: E402, F401
