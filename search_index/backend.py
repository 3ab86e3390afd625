"""The one interface both search backends (Whoosh files, PostgreSQL tsvector) implement, and what they share."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime

from search_index.documents import Document

# The facets a search counts and filters by, in the order the page shows them.
FACETS = ("kind", "round_id", "category", "status", "unit_kind", "unit", "channel")
ORDERS = ("relevance", "newest")


@dataclass
class QueryTerm:
    """A run the reader typed (between spaces, or "quoted"): its segmented words, and its pairs (analysis.pair_runs).

    A document matches it when its words stand in the document (in order when `phrase`) or when the document's
    text holds the run (its pairs one after the other), whatever the segmentation. Documents having every
    term's words in order rank first.
    """

    words: list[str]
    pairs: list[list[str]] = field(default_factory=list)  # none for a single character: found as a word only
    phrase: bool = False


@dataclass
class SearchRequest:
    """What a reader asks: terms, all of which must match, facet filters, an order and a page.

    `audiences` are who the reader is (documents.audiences_of): a document is found only when it names one.
    """

    terms: list[QueryTerm]
    audiences: list[str]
    filters: dict[str, list[str]] = field(default_factory=dict)
    order: str = "relevance"
    page: int = 1
    per_page: int = 20

    @property
    def every_word(self) -> list[str]:
        """The terms' words: what a whole-word match contains, and what is marked."""
        return [word for term in self.terms for word in term.words]


@dataclass
class Hit:
    kind: str
    record_id: int
    title: str
    body: str
    date: datetime | None
    score: float

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record_id}"


@dataclass
class Results:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most first
    # More matched than the backend counts (its count cap): the total is the cap and the facet counts are of
    # the matches counted, all lower bounds ("1,000+"); the hits are exact.
    capped: bool = False


class IndexBusy(Exception):
    """Another process holds the index's write lock for longer than a writer waits (a rebuild)."""


class IndexUnreadable(Exception):
    """The index cannot be read (its folder gone, a segment damaged, its table dropped): it must be rebuilt."""


class Backend(ABC):
    """Where the documents live and how they are found."""

    @abstractmethod
    def update(self, docs: list[Document]) -> None:
        """Add the documents, replacing those with the same keys."""

    @abstractmethod
    def delete(self, keys: list[str]) -> None:
        """Remove the documents with these keys."""

    @abstractmethod
    def search(self, request: SearchRequest) -> Results:
        """One page of what matches, with its total and facet counts."""

    @abstractmethod
    def similar(
        self, words: list[str], *, audiences: list[str], kinds: list[str], exclude: str, limit: int, min_match: int
    ):
        """Documents sharing at least `min_match` of `words`, best first."""

    @abstractmethod
    def digests(self) -> dict[str, str]:
        """Every document's key and content digest, to compare with the records."""

    @abstractmethod
    def rebuilding(self, *, processes: int = 1):
        """A context manager giving a function that adds documents; at its end they replace every document.

        Until then searches read the documents as they were.
        """

    @abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abstractmethod
    def optimize(self) -> None:
        """Merge what many small writes left behind (off the request path)."""

    @abstractmethod
    def writing(self):
        """A context manager around a batch of writes: one at a time across processes, committed at its end."""
