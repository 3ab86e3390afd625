"""The records of solicitation: rounds and categories, topics, unit proposals, residents' suggestions, their themes."""

from solicitation.models.near_duplicates import NearDuplicate, NearDuplicateCheck, SuggestionBand
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
    COUNT_SLOTS,
    PUBLIC_CHANNELS,
    SUGGESTION_TRANSITIONS,
    TAKEN_UP,
    Channel,
    RejectReason,
    Suggestion,
    SuggestionCount,
    SuggestionSecond,
    SuggestionStatus,
    suggestion_proposals,
)
from solicitation.models.themes import Theme, ThemeMember, ThemeRun
from solicitation.models.topics import Topic, TopicStatus

__all__ = [
    "COUNT_SLOTS",
    "Category",
    "Channel",
    "FileRevision",
    "LateAllowance",
    "NearDuplicate",
    "NearDuplicateCheck",
    "PROPOSAL_EDITABLE",
    "PROPOSAL_TEXT_FIELDS",
    "PROPOSAL_WITH_OFFICE",
    "PUBLIC_CHANNELS",
    "Proposal",
    "ProposalAttachment",
    "ProposalStatus",
    "ROUND_OPEN_FOR_CHANGES",
    "ROUND_TRANSITIONS",
    "RejectReason",
    "Round",
    "RoundStatus",
    "SUGGESTION_TRANSITIONS",
    "Suggestion",
    "SuggestionBand",
    "SuggestionCount",
    "SuggestionSecond",
    "SuggestionStatus",
    "TAKEN_UP",
    "Theme",
    "ThemeMember",
    "ThemeRun",
    "Topic",
    "TopicStatus",
    "proposal_cooperating_units",
    "suggestion_proposals",
]
