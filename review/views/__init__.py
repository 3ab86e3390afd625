"""The review blueprint: criteria, experts and conflicts, assignments, the experts' reviews, the ranking."""

from flask import Blueprint

bp = Blueprint("review", __name__)

# Each module adds its routes to bp.
from review.views import assignments, criteria, progress, ranking, reviews, suggestions  # noqa: E402, F401
