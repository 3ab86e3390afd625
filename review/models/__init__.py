"""Review criteria, expert profiles, conflicts of interest, assignments, reviews and their scores, settings, field
visits, screening, suggestions in expert screening, the ranking's standings, one module per record. Each name is
also exported here, as `review.models.x`."""

from review.models.assignments import Assignment, ExpertProfile
from review.models.conflicts import Conflict, ConflictSource, ConflictStatus
from review.models.criteria import Criterion
from review.models.field_visits import FieldVisit, FieldVisitAttachment
from review.models.reviews import Familiarity, Recommendation, Review, ReviewStatus, Score
from review.models.screening import Decision, Screening
from review.models.settings import ReviewSettings, ReviewStage
from review.models.standings import ExpertBias, Standing
from review.models.suggestion_reviews import SuggestionReview

__all__ = [
    "ExpertProfile",
    "Assignment",
    "ConflictSource",
    "ConflictStatus",
    "Conflict",
    "Criterion",
    "FieldVisit",
    "FieldVisitAttachment",
    "Recommendation",
    "Familiarity",
    "ReviewStatus",
    "Review",
    "Score",
    "Decision",
    "Screening",
    "ReviewStage",
    "ReviewSettings",
    "SuggestionReview",
    "Standing",
    "ExpertBias",
]
