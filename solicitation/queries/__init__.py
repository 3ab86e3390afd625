"""Read-only selects for rounds, categories, proposals and suggestions, one module per record, and what any list
gives besides its page. Each name is also exported here, as `solicitation.queries.x`."""

from solicitation.queries.lists import all_rows, counts_by
from solicitation.queries.proposals import (
    PROPOSAL_SAVES,
    counts_by_status,
    proposal_as_seen_by,
    proposal_events_visible_to,
    proposal_is_visible,
    proposal_visible_to,
    proposals,
    proposals_fed_by,
    submitted_proposals,
    visible_proposals,
)
from solicitation.queries.rounds import (
    category_in_round,
    public_rounds,
    publicly_visible_rounds,
    rounds,
    soliciting_rounds,
)
from solicitation.queries.suggestions import (
    heard_counts,
    is_publicly_visible,
    public_suggestions,
    publicly_visible_suggestion_ids,
    publicly_visible_suggestions,
    referred_to,
    round_suggestions,
    suggestion_events_visible_to,
    suggestion_is_visible,
    suggestion_visible_to,
    suggestions,
    visible_suggestions,
)

__all__ = [
    "all_rows",
    "counts_by",
    "proposal_visible_to",
    "proposal_as_seen_by",
    "visible_proposals",
    "proposal_is_visible",
    "proposals_fed_by",
    "PROPOSAL_SAVES",
    "proposal_events_visible_to",
    "proposals",
    "counts_by_status",
    "submitted_proposals",
    "rounds",
    "soliciting_rounds",
    "publicly_visible_rounds",
    "public_rounds",
    "category_in_round",
    "suggestion_visible_to",
    "visible_suggestions",
    "suggestion_is_visible",
    "suggestion_events_visible_to",
    "suggestions",
    "round_suggestions",
    "referred_to",
    "heard_counts",
    "publicly_visible_suggestions",
    "publicly_visible_suggestion_ids",
    "is_publicly_visible",
    "public_suggestions",
]
