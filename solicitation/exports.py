"""The columns of solicitation's exports, shared by the pages that download them and the background jobs that
make them."""

from flask_babel import lazy_gettext as _l

from core.exports import Kind


def suggestion_columns(reveal: bool):
    """The export's columns; contact details masked unless the office asked to reveal them."""
    contact = (lambda s: s.contact) if reveal else (lambda s: s.masked_contact)
    return [
        (_l("Tracking code"), lambda s: s.display_code, Kind.code),
        (_l("Title"), lambda s: s.title),
        (_l("Content"), lambda s: s.content, Kind.long),
        (_l("Category"), lambda s: s.category.name if s.category else ""),
        (_l("Place"), lambda s: s.location),
        (_l("Channel"), lambda s: s.channel.label, Kind.status),
        (_l("Received on"), lambda s: s.received_on, Kind.date),
        (_l("Status"), lambda s: s.status.label, Kind.status),
        (_l("Referred to"), lambda s: s.referred_unit.name if s.referred_unit else ""),
        (_l("Public reply"), lambda s: s.reply, Kind.long),
        (_l("Seconds"), lambda s: s.second_count, Kind.number),
        (_l("Name"), lambda s: contact(s)["name"], Kind.code),
        (_l("Phone"), lambda s: contact(s)["phone"], Kind.code),
        (_l("Email"), lambda s: contact(s)["email"]),
    ]


def near_duplicate_columns():
    """The columns of the near-duplicates' export: a row per copy, beside its group's original."""
    return [
        (_l("Original"), lambda near: near.original.display_code),
        (_l("Original's title"), lambda near: near.original.title),
        (_l("Near-copy"), lambda near: near.suggestion.display_code),
        (_l("Title"), lambda near: near.suggestion.title),
        (_l("Channel"), lambda near: near.suggestion.channel.label),
        (_l("Received on"), lambda near: near.suggestion.received_on),
        (_l("Status"), lambda near: near.suggestion.status.label),
        (_l("Similarity"), lambda near: round(near.similarity, 2)),
    ]
