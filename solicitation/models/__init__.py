"""The records of solicitation: rounds and categories, topics, unit proposals, residents' suggestions."""

from solicitation.models.proposals import (
    PROPOSAL_EDITABLE,
    PROPOSAL_TEXT_FIELDS,
    PROPOSAL_WITH_OFFICE,
    ROUND_OPEN_FOR_CHANGES,
    FileRevision,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    proposal_cooperating_units,
)
from solicitation.models.rounds import ROUND_TRANSITIONS, Category, LateAllowance, Round, RoundStatus
from solicitation.models.suggestions import (
    PUBLIC_CHANNELS,
    SUGGESTION_TRANSITIONS,
    TAKEN_UP,
    Channel,
    RejectReason,
    Suggestion,
    SuggestionSecond,
    SuggestionStatus,
    suggestion_proposals,
)
from solicitation.models.topics import Topic, TopicStatus

__all__ = [
    "Topic",
    "TopicStatus",
    "PUBLIC_CHANNELS",
    "SUGGESTION_TRANSITIONS",
    "TAKEN_UP",
    "Channel",
    "RejectReason",
    "Suggestion",
    "SuggestionSecond",
    "SuggestionStatus",
    "suggestion_proposals",
    "PROPOSAL_EDITABLE",
    "PROPOSAL_TEXT_FIELDS",
    "PROPOSAL_WITH_OFFICE",
    "ROUND_OPEN_FOR_CHANGES",
    "ROUND_TRANSITIONS",
    "Category",
    "FileRevision",
    "LateAllowance",
    "Proposal",
    "ProposalAttachment",
    "ProposalStatus",
    "Round",
    "RoundStatus",
    "proposal_cooperating_units",
]
