"""The columns of solicitation's exports, shared by the pages that download them and the background jobs that
make them."""

from flask_babel import lazy_gettext as _l


def suggestion_columns(reveal: bool):
    """The export's columns; contact details masked unless the office asked to reveal them."""
    contact = (lambda s: s.contact) if reveal else (lambda s: s.masked_contact)
    return [
        (_l("Tracking code"), lambda s: s.display_code),
        (_l("Title"), lambda s: s.title),
        (_l("Content"), lambda s: s.content),
        (_l("Category"), lambda s: s.category.name if s.category else ""),
        (_l("Place"), lambda s: s.location),
        (_l("Channel"), lambda s: s.channel.label),
        (_l("Received on"), lambda s: s.received_on),
        (_l("Status"), lambda s: s.status.label),
        (_l("Referred to"), lambda s: s.referred_unit.name if s.referred_unit else ""),
        (_l("Public reply"), lambda s: s.reply),
        (_l("Seconds"), lambda s: s.second_count),
        (_l("Name"), lambda s: contact(s)["name"]),
        (_l("Phone"), lambda s: contact(s)["phone"]),
        (_l("Email"), lambda s: contact(s)["email"]),
    ]
