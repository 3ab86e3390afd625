"""The review blueprint: criteria, experts and conflicts, assignments, the experts' reviews, the ranking."""

from flask import Blueprint

from review.queries import funnel, published_decision, review_checklist

bp = Blueprint("review", __name__)
# What review adds to solicitation's pages (solicitation never imports review): a proposal's page shows the
# published decision on it, a round's page the funnel of its review and what the next phase needs of the review;
# each page stands without them.
bp.add_app_template_global(published_decision)
bp.add_app_template_global(funnel, "review_funnel")
bp.add_app_template_global(review_checklist)

# Each module adds its routes to bp.
from review.views import assignments, criteria, progress, ranking, reviews, suggestions  # noqa: E402, F401
