"""The solicitation blueprint: rounds, unit proposals, and residents' suggestions (public and office pages)."""

from flask import Blueprint

bp = Blueprint("solicitation", __name__)

# Each module adds its routes to bp.
from solicitation.views import proposals, public, rounds, suggestions  # noqa: E402, F401
