"""How the audit log reads: each event as a sentence in the reader's language, its changed fields labelled.

One table per record type (RecordText): its name, a verb per action, a label per field and the enum whose labels
show a field's values. This package holds its own records' tables; a later package adds its own (`add_texts`,
called by create_app, as the log's visibility rules are set), so the log reads them without importing that package.
An action or a field no table names reads as its code: a new one shows, untranslated, rather than vanishing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import AuditEvent, Role, UnitKind
from core.models import LabelledEnum

HIDDEN_FIELDS = {"lock_version"}  # the edit-conflict counter: no reader's business


@dataclass(frozen=True)
class RecordText:
    name: str
    verbs: Mapping[str, str]
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, type] = field(default_factory=dict)  # field -> the LabelledEnum its values are


@dataclass(frozen=True)
class EventText:
    sentence: str
    record_type: str
    changes: list[tuple[str, str, str]]  # (label, before, after)


def form_labels(form_class, *names: str) -> dict[str, str]:
    """The labels a form shows for its fields `names`, so the log names a field as the form does."""
    return {name: getattr(form_class, name).args[0] for name in names}


AUDIT_TEXTS: dict[str, RecordText] = {
    "User": RecordText(
        name=_l("account"),
        verbs={
            "user.create": _l("created"),
            "user.update": _l("edited"),
            "user.activate": _l("activated"),
            "user.deactivate": _l("deactivated"),
            "user.reset_password": _l("reset the password of"),
            "user.change_password": _l("changed the password of"),
            "user.set_password": _l("set from the mailed link the password of"),
            "user.login": _l("logged in as"),
            "user.logout": _l("logged out of"),
            "user.todo_digest": _l("changed the to-do mail of"),
            "user.create_token": _l("made an API token for"),
            "user.revoke_tokens": _l("revoked every API token of"),
        },
        fields={
            "username": _l("Username"),
            "display_name": _l("Full name"),
            "email": _l("Email"),
            "role": _l("Role"),
            "unit_id": _l("Unit"),
            "active": _l("Active"),
            "todo_digest": _l("Mail me what waits for me on a day I do not log in"),
            "revoked": _l("Revoked"),
            "token": _l("What it is for"),
        },
        values={"role": Role},
    ),
    "Unit": RecordText(
        name=_l("unit"),
        verbs={
            "unit.create": _l("created"),
            "unit.update": _l("edited"),
            "unit.activate": _l("activated"),
            "unit.deactivate": _l("deactivated"),
        },
        fields={"name": _l("Name"), "kind": _l("Kind"), "active": _l("Active")},
        values={"kind": UnitKind},
    ),
    "ApiToken": RecordText(
        name=_l("API token"),
        verbs={"api_token.create": _l("made"), "api_token.revoke": _l("revoked")},
        fields={
            "name": _l("What it is for"),
            "user_id": _l("Account"),
            "rate_limit": _l("Rate limit"),
            "revoked": _l("Revoked"),
        },
    ),
    "SiteSettings": RecordText(
        name=_l("site settings"),
        verbs={"site.update": _l("changed")},
        fields={
            "district_name": _l("District name"),
            "organiser": _l("Organiser (主办单位)"),
            "contact": _l("Contact"),
            "issuing_organ": _l("Issuing organ (发文机关)"),
            "copied_to": _l("Copied to (抄送)"),
            "printed_by": _l("Printed by (印发机关)"),
            "emblem_key": _l("Emblem"),
        },
    ),
}


def add_texts(texts: dict[str, RecordText]) -> None:
    """Add a package's tables; a type another package already names (a round, whose review a later stage runs)
    gains that package's verbs, fields and values."""
    for type_name, text in texts.items():
        known = AUDIT_TEXTS.get(type_name)
        if known is not None:
            text = RecordText(
                name=known.name,
                verbs={**known.verbs, **text.verbs},
                fields={**known.fields, **text.fields},
                values={**known.values, **text.values},
            )
        AUDIT_TEXTS[type_name] = text


_YES, _NO, _LIST_SEPARATOR = _l("Yes"), _l("No"), _l(", ")
_SENTENCE = _l("%(actor)s %(verb)s %(record)s")


class _Labels:
    """The labels of a page of events in the reader's language, each translated once for the page: a page repeats
    the same few (a role, a record type, a verb, a field) on every row, and each translation looks the catalogue
    up anew."""

    def __init__(self):
        self._said: dict = {}

    def __call__(self, label) -> str:
        """A text to translate (lazily made once a process, so its id stands for it) or an enum member's label."""
        key = label if isinstance(label, LabelledEnum) else id(label)
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = str(label.label if isinstance(label, LabelledEnum) else label)
        return said


def _value(say: _Labels, text: RecordText | None, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return say(_YES if value else _NO)
    enum_class = text.values.get(name) if text else None
    if enum_class is not None:
        try:
            return say(enum_class(value))
        except ValueError:
            return str(value)  # a value the enum has since dropped
    # Lists and mappings read as text, not as JSON (区发改局、区科创局; 1: 8; 2: 9).
    if isinstance(value, list):
        return say(_LIST_SEPARATOR).join(_value(say, text, name, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_value(say, text, name, item)}" for key, item in value.items())
    return str(value)


def _actor(say: _Labels, event: AuditEvent) -> str:
    if event.actor is None:
        return _("The command line") if event.source == "cli" else event.source
    return f"{say(event.actor.role)} {event.actor.display_name}"


def record_type_name(object_type: str, say=str) -> str:
    """A record type as its reader calls it (建议), or its code when no table names it."""
    text = AUDIT_TEXTS.get(object_type)
    return say(text.name) if text else object_type


def describe_events(events) -> dict[int, EventText]:
    """Each event as `describe` reads it, by id: a page of the log, its labels translated once for the page."""
    say = _Labels()
    return {event.id: describe(event, say) for event in events}


def describe(event: AuditEvent, say: _Labels | None = None) -> EventText:
    """The event as its reader reads it: a sentence, and each changed field with its label, before and after."""
    say = say or _Labels()
    text = AUDIT_TEXTS.get(event.object_type)
    record_name = record_type_name(event.object_type, say)
    verb = text.verbs.get(event.action) if text else None
    record = f"{record_name} #{event.object_id}" if event.object_id is not None else record_name
    sentence = say(_SENTENCE) % {
        "actor": _actor(say, event),
        "verb": say(verb) if verb else event.action,
        "record": record,
    }
    before, after = event.before or {}, event.after or {}
    names = [name for name in dict.fromkeys([*before, *after]) if name not in HIDDEN_FIELDS]
    changes = [
        (
            (say(text.fields[name]) if name in text.fields else name) if text else name,
            _value(say, text, name, before.get(name)) if name in before else "",
            _value(say, text, name, after.get(name)) if name in after else "",
        )
        for name in names
    ]
    return EventText(sentence=sentence, record_type=record_name, changes=changes)
