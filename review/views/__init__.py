"""The review blueprint: criteria, experts and conflicts, assignments, the experts' reviews, the ranking."""

from flask import Blueprint

from accounts.imports import register_import_columns
from review.queries import funnel, published_decision, review_checklist
from review.services.assignments import PROFILE_IMPORT_COLUMNS, import_expert_profile

bp = Blueprint("review", __name__)
# What review adds to solicitation's pages (solicitation never imports review): a proposal's page shows the
# published decision on it, a round's page the funnel of its review and what the next phase needs of the review;
# each page stands without them.
bp.add_app_template_global(published_decision)
bp.add_app_template_global(funnel, "review_funnel")
bp.add_app_template_global(review_checklist)
# The office imports experts with their profiles (accounts, which imports them, never imports review).
bp.record_once(
    lambda state: register_import_columns(state.app, columns=PROFILE_IMPORT_COLUMNS, add=import_expert_profile)
)

# Each module adds its routes to bp.
from review.views import assignments, criteria, progress, ranking, reviews, suggestions  # noqa: E402, F401
