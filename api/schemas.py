"""What each /api/v1 operation takes and answers, declared once: these models validate every request, shape
every answer and make the OpenAPI document (api/openapi.py)."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, create_model
from pydantic_core import PydanticCustomError, core_schema
from werkzeug.datastructures import FileStorage

from core.urls import external_url
from plan.queries import suggestion_outcome
from search_index.backend import FACETS, ORDERS
from solicitation.models import PUBLIC_CHANNELS, Channel, Suggestion, SuggestionStatus
from solicitation.services.suggestions import LIMITS

# Record ids are 32-bit integers in the database: a larger number names nothing, and must not reach a query.
ID_MAX = 2**31 - 1


def _storable(text: str) -> str:
    # PostgreSQL stores no NUL character, and a lone surrogate ("\ud800" in JSON) is not UTF-8 at all.
    if "\x00" in text or not text.isascii() and _has_surrogate(text):
        raise PydanticCustomError("text_unstorable", "Text may not contain NUL characters or lone surrogates")
    return text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# Text as a program sends it: a JSON string, storable.
Text = Annotated[StrictStr, AfterValidator(_storable)]
# Text in a query string (every value there is a string).
QueryText = Annotated[str, AfterValidator(_storable)]
Id = Annotated[StrictInt, Field(ge=1, le=ID_MAX)]
OfficeChannel = Literal[tuple(c.value for c in Channel if c is not Channel.batch_import)]
ChannelFilter = Literal[tuple(c.value for c in Channel)]
StatusValue = Literal[tuple(s.value for s in SuggestionStatus)]


class Upload:
    """A file sent as a multipart field."""

    @classmethod
    def __get_pydantic_core_schema__(cls, _source, _handler):
        return core_schema.no_info_plain_validator_function(cls.validate)

    @classmethod
    def __get_pydantic_json_schema__(cls, _schema, _handler):
        return {"type": "string", "format": "binary"}

    @staticmethod
    def validate(value: Any) -> FileStorage:
        if not isinstance(value, FileStorage):
            raise PydanticCustomError("file_type", "Send a file")
        return value


# Requests


class Contact(BaseModel):
    """How the office may reach the resident; given only with consent."""

    name: Annotated[Text, Field(max_length=LIMITS["contact_name"])] | None = None
    phone: Annotated[Text, Field(max_length=LIMITS["contact_phone"])] | None = None
    email: Annotated[Text, Field(max_length=LIMITS["contact_email"])] | None = None


class NewSuggestion(BaseModel):
    """A resident's suggestion, as a mini-program or the hotline system sends it."""

    round_id: Id | None = Field(None, description="Default: the newest round collecting suggestions.")
    title: Annotated[Text, Field(max_length=LIMITS["title"])]
    content: Annotated[Text, Field(max_length=LIMITS["content"])]
    category_id: Id | None = None
    location: Annotated[Text, Field(max_length=LIMITS["location"])] | None = None
    channel: OfficeChannel = Field(
        "web", description="Without an office token: " + ", ".join(c.value for c in PUBLIC_CHANNELS)
    )
    contact: Contact | None = None
    consent: StrictBool = Field(False, description="Must be true when contact details are given.")


class SearchWords(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a parameter the document does not name is refused, not ignored

    q: QueryText = Field("", description="Words; “quoted words” are a phrase.")
    order: Literal[ORDERS] = "relevance"
    page: int = Field(1, ge=1, le=ID_MAX)
    per_page: int = Field(20, ge=1, le=100)


# Each facet filters on one value of its own.
SearchQuery = create_model("SearchQuery", __base__=SearchWords, **{name: (QueryText, "") for name in FACETS})


class SuggestionFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # absent, not null: a query string has no null
    status: StatusValue = None
    channel: ChannelFilter = None
    q: QueryText = ""
    page: int = Field(1, ge=1, le=ID_MAX)
    per_page: int = Field(50, ge=1, le=200)


class SuggestionFile(BaseModel):
    file: Upload = Field(description="An Excel (.xlsx) or CSV spreadsheet: 标题, 内容 and optional columns.")


# Answers


class RowProblem(BaseModel):
    line: int
    column: str
    message: str


class Error(BaseModel):
    """Every refusal: a code for programs, a message for people, and per field what is wrong."""

    error: str
    message: str
    fields: dict[str, Any] | None = None
    problems: list[RowProblem] | None = Field(None, description="The bad rows of a refused import (100 at most).")
    more: int | None = Field(None, description="How many more bad rows a refused import had than it lists.")
    retry_after: int | None = Field(None, description="Seconds to wait, with 429.")
    request_id: str | None = Field(None, description="With 5xx: the id the server's log names the failure with.")


class FedProposal(BaseModel):
    """A reform project proposal a suggestion fed into, once it reached the office."""

    title: str
    outcome: str = Field(description="The office's published decision, else 'under review' (or withdrawn).")


class FedKeyProject(BaseModel):
    """A key project of a published plan that a suggestion fed into, as the plan was published."""

    plan: str
    number: str
    title: str
    lead_unit: str | None


class PublicSuggestion(BaseModel):
    """What anyone holding the tracking code may read: never contact details."""

    tracking_code: str = Field(examples=["7KQ4-M2XD-9P3R"])
    title: str
    status: StatusValue
    status_label: str
    received_on: date
    reply: str | None
    duplicate_of: str | None = Field(description="The original's title only: its tracking code is another's.")
    linked_proposals: int = Field(description="How many proposals it fed into that reached the office.")
    lookup_url: str = Field(description="The tracking page, on the site's configured PUBLIC_URL.")

    @classmethod
    def of(cls, suggestion: Suggestion) -> "PublicSuggestion":
        return cls(**cls._fields_of(suggestion))

    @staticmethod
    def _fields_of(suggestion: Suggestion) -> dict:
        return {
            "tracking_code": suggestion.display_code,
            "title": suggestion.title,
            "status": suggestion.status.value,
            "status_label": str(suggestion.status.label),
            "received_on": suggestion.received_on,
            "reply": suggestion.reply if suggestion.reply_published else None,
            "duplicate_of": suggestion.duplicate_of.title if suggestion.duplicate_of else None,
            "linked_proposals": sum(1 for proposal in suggestion.proposals if proposal.submitted_at is not None),
            # never from the request's Host header, which the sender chooses
            "lookup_url": external_url("solicitation.track", code=suggestion.tracking_code),
        }


class TrackedSuggestion(PublicSuggestion):
    """A suggestion looked up by its code: also what became of it, as its tracking page says (of the original, for
    one merged into another)."""

    proposals: list[FedProposal]
    key_projects: list[FedKeyProject]

    @classmethod
    def of(cls, suggestion: Suggestion) -> "TrackedSuggestion":
        outcome = suggestion_outcome(suggestion)
        return cls(
            **cls._fields_of(suggestion) | {"linked_proposals": len(outcome.proposals)},
            proposals=[{"title": title, "outcome": label} for title, label in outcome.proposal_outcomes()],
            key_projects=[
                {
                    "plan": plan.title,
                    "number": str(project["number"]),
                    "title": project["title"],
                    "lead_unit": project.get("lead_unit") or None,
                }
                for plan, project, _report in outcome.key_projects
            ],
        )


class MaskedContact(BaseModel):
    name: str | None
    phone: str | None
    email: str | None


class OfficeSuggestion(PublicSuggestion):
    """The office's view; contact details masked (revealing them is a logged action of the web pages)."""

    id: int
    round_id: int
    content: str
    category: str | None
    location: str | None
    channel: ChannelFilter
    referred_unit: str | None
    seconds: int
    contact: MaskedContact

    @classmethod
    def of(cls, suggestion: Suggestion) -> "OfficeSuggestion":
        return cls(
            **cls._fields_of(suggestion),
            id=suggestion.id,
            round_id=suggestion.round_id,
            content=suggestion.content,
            category=suggestion.category.name if suggestion.category else None,
            location=suggestion.location,
            channel=suggestion.channel.value,
            referred_unit=suggestion.referred_unit.name if suggestion.referred_unit else None,
            seconds=suggestion.second_count,
            contact=MaskedContact(**suggestion.masked_contact),
        )


class SuggestionPage(BaseModel):
    items: list[OfficeSuggestion]
    page: int
    pages: int
    total: int


class SearchItem(BaseModel):
    kind: str
    id: int
    title: str
    title_html: str = Field(description="The title, HTML-escaped, the query's words in <mark>.")
    snippet_html: str
    date: date | None
    url: str


class SearchResults(BaseModel):
    total: int
    estimated: bool = Field(
        description="True when more matched than the server counts (SEARCH_COUNT_CAP, 1,000 by default; PostgreSQL's"
        " newest first and browsing only): `total` is then the cap and each facet count is of the matches counted,"
        ' all lower bounds, to be read as "1,000+". The items are exact either way.'
    )
    items: list[SearchItem]
    facets: dict[str, dict[str, int]] = Field(description="Per facet, the number of hits of each value.")


class Imported(BaseModel):
    imported: int
    tracking_codes: list[str]
