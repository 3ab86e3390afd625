"""The default backend: a Whoosh index in a folder of the instance (whoosh-reloaded, the maintained release).

Writes take the index's lock, so several processes can share the folder; each thread keeps its searcher
open and refreshes it (opening one per query costs more than the query).

Who may find a document and the facet values are read once per index segment and kept (a segment never
changes; a deleted document is never matched): Whoosh's own filter and facet grouping read them again for
every document of every search, which cost more than the search itself (40 ms at 10,000 documents).
"""

import math
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from whoosh import collectors, index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, Every, Or, Phrase, Term
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.writing import CLEAR, MERGE_SMALL

from search_index.analysis import chinese_analyzer
from search_index.backend import FACETS, Backend, Hit, Results, SearchRequest
from search_index.documents import Document

LOCK_TIMEOUT = 120.0  # seconds a writer waits for another process's write to finish
MAX_SEGMENTS = 10  # a search opens every segment; past this many, optimize() merges the smallest
CACHE_ENTRIES = 2000  # segments' audience sets and facet columns kept; past it, all are dropped and read again


def _schema() -> Schema:
    analyzer = chinese_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        record_id=STORED,
        title=STORED,
        body=STORED,
        digest=STORED,
        content=TEXT(analyzer=analyzer, phrase=True),  # title and body: what the words must match
        title_words=TEXT(analyzer=analyzer, phrase=False),  # a match in the title ranks higher
        date=DATETIME(stored=True, sortable=True),
        audiences=KEYWORD(lowercase=False),
        **{name: ID(stored=True, sortable=True) for name in FACETS},
    )


def _merge_segments(writer, segments):
    """Whoosh's merge of the small segments, then of the smallest ones until MAX_SEGMENTS are left.

    A rebuild writes a segment a batch (200 at 100,000 documents) and Whoosh's policy alone merged 17 of
    them, so every search then opened 184 segments: 120 ms for the median search instead of a few.
    """
    kept = MERGE_SMALL(writer, segments)  # merges what it picks into the writer's new segment
    if len(kept) <= MAX_SEGMENTS:
        return kept
    kept = sorted(kept, key=lambda segment: segment.doc_count_all())
    merged = len(kept) - MAX_SEGMENTS + 1  # the new segment is one of the MAX_SEGMENTS
    for segment in kept[:merged]:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return kept[merged:]


class WhooshBackend(Backend):
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        if index.exists_in(self.folder):
            self.index = index.open_dir(self.folder)
        else:
            self.index = index.create_in(self.folder, _schema())
        self._local = threading.local()
        self._cache: dict[tuple, object] = {}
        self._cache_lock = threading.Lock()

    # Writing ------------------------------------------------------------------------------------------

    @contextmanager
    def writing(self):
        """Hold the index's write lock for a batch: what is read and written inside stays in order."""
        writer = self.index.writer(timeout=LOCK_TIMEOUT)
        self._local.writer = writer
        try:
            yield self
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit(merge=False)  # merging is the worker's job when it is idle
        finally:
            self._local.writer = None

    def _writer(self):
        writer = getattr(self._local, "writer", None)
        if writer is None:
            raise RuntimeError("write inside `with backend.writing():`")
        return writer

    def update(self, docs: list[Document]) -> None:
        writer = self._writer()
        for doc in docs:
            writer.update_document(
                key=doc.key,
                record_id=doc.record_id,
                title=doc.title,
                body=doc.body,
                digest=doc.digest,
                content=f"{doc.title}\n{doc.body}",
                title_words=doc.title,
                date=doc.date,
                audiences=" ".join(doc.audiences),
                kind=doc.kind,
                round_id=str(doc.round_id),
                category=doc.category,
                status=doc.status,
                unit_kind=doc.unit_kind,
                channel=doc.channel,
            )

    def delete(self, keys: list[str]) -> None:
        writer = self._writer()
        for key in keys:
            writer.delete_by_term("key", key)

    def clear(self) -> None:
        self.index.writer(timeout=LOCK_TIMEOUT).commit(mergetype=CLEAR)

    def optimize(self) -> None:
        self.index.writer(timeout=LOCK_TIMEOUT).commit(mergetype=_merge_segments)

    # Reading ------------------------------------------------------------------------------------------

    def _searcher(self):
        """This thread's searcher, reopened when the index changed.

        Not `Searcher.refresh()`: it reuses a segment's reader by segment id, so a document deleted (or
        replaced) in an existing segment would still be found.
        """
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or not searcher.up_to_date():
            if searcher is not None:
                searcher.close()
            searcher = self._local.searcher = self.index.searcher()
        return searcher

    def search(self, request: SearchRequest) -> Results:
        matches = [Term("content", word) for word in request.words]
        matches += [Phrase("content", phrase) for phrase in request.phrases]
        query = And(matches) if matches else Every()
        words = request.words + [word for phrase in request.phrases for word in phrase]
        if words:
            query = AndMaybe(query, Or([Term("title_words", word) for word in words]))
        newest = request.order == "newest" or not matches
        searcher = self._searcher()
        limit = request.page * request.per_page
        if newest:
            top = collectors.SortingCollector("date", limit=limit, reverse=True)
        else:  # every match counted: no skipping of blocks or clauses that cannot reach the top
            top = collectors.TopCollector(limit, usequality=False, replace=0)
        collector = _Allowed(top, self._allowed(request.audiences, request.filters))
        searcher.search_with_collector(query, collector)
        total = collector.count()
        # As Whoosh's pages: one past the last is the last.
        page = min(request.page, max(math.ceil(total / request.per_page), 1))
        start = (page - 1) * request.per_page
        hits = collector.results()[start : start + request.per_page]
        facets = {}
        for name in FACETS:
            counts = Counter()
            for reader, docnums in collector.found:
                counts.update(map(self._column(reader, name).__getitem__, docnums))
            facets[name] = sorted(
                ((value, count) for value, count in counts.items() if value), key=lambda item: (-item[1], item[0])
            )
        return Results(total=total, hits=[self._hit(hit) for hit in hits], facets=facets)

    def _allowed(self, audiences: list[str], filters: dict[str, list[str]], exclude: str = ""):
        """For a segment, what its documents must pass: one of the audiences, one value of each filter."""

        def test(reader):
            sets = [self._audience(reader, audience) for audience in audiences]
            columns = [(self._column(reader, name), frozenset(values)) for name, values in filters.items() if values]
            excluded = self._docs(reader, "key", exclude) if exclude else frozenset()
            return [found for found in sets if found], columns, excluded

        return test

    def _audience(self, reader, audience: str) -> frozenset:
        return self._docs(reader, "audiences", audience)

    def _docs(self, reader, field: str, value: str) -> frozenset:
        """The segment's document numbers that have `value` in `field`."""

        def read(reader):
            try:
                return frozenset(reader.postings(field, value).all_ids())
            except TermNotFound:
                return frozenset()

        return self._cached(reader, ("docs", field, value), read)

    def _column(self, reader, name: str) -> list[str]:
        """Each document's value of a facet in the segment, by document number."""

        def read(reader):
            if not reader.has_column(name):
                return [""] * reader.doc_count_all()
            values = {}  # one string per value, not one per document
            return [values.setdefault(value, value) for value in reader.column_reader(name)]

        return self._cached(reader, ("column", name), read)

    def _cached(self, reader, key: tuple, read):
        segment = reader.segment() if hasattr(reader, "segment") else None
        if segment is None:  # an empty index's reader
            return read(reader)
        key = (segment.segment_id(), *key)
        found = self._cache.get(key)
        if found is None:
            found = read(reader)
            with self._cache_lock:
                if len(self._cache) >= CACHE_ENTRIES:  # segments merged away leave their entries behind
                    self._cache.clear()
                self._cache[key] = found
        return found

    @staticmethod
    def _hit(hit) -> Hit:
        return Hit(
            kind=hit["kind"],
            record_id=hit["record_id"],
            title=hit["title"],
            body=hit["body"],
            date=hit.get("date"),
            score=hit.score or 0.0,
        )

    def similar(
        self, words: list[str], *, audiences: list[str], kinds: list[str], exclude: str, limit: int, min_match: int
    ):
        if not words:
            return []
        searcher = self._searcher()
        collector = _Allowed(searcher.collector(limit=limit), self._allowed(audiences, {"kind": kinds}, exclude))
        query = Or([Term("content", word) for word in words], minmatch=min_match)
        searcher.search_with_collector(query, collector)
        return [self._hit(hit) for hit in collector.results()]

    def digests(self) -> dict[str, str]:
        return {fields["key"]: fields["digest"] for fields in self._searcher().all_stored_fields()}


class _Allowed(collectors.WrappingCollector):
    """Whoosh's FilterCollector with the backend's kept sets: passes on to `child` only the documents of
    the reader's audiences and filters, and notes them by segment for the facet counts."""

    def __init__(self, child, allowed):
        super().__init__(child)
        self._allowed = allowed
        self.found = []  # (segment reader, its matching document numbers)

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        reader = subsearcher.reader()
        self._test = self._allowed(reader)
        self._found = []
        self.found.append((reader, self._found))

    def collect_matches(self):
        audiences, columns, excluded = self._test
        found, collect = self._found, self.child.collect
        for docnum in self.child.matches():
            for docs in audiences:
                if docnum in docs:
                    break
            else:
                continue
            for column, values in columns:
                if column[docnum] not in values:
                    break
            else:
                if docnum not in excluded:
                    found.append(docnum)
                    collect(docnum)

    def count(self):
        return sum(len(docnums) for _reader, docnums in self.found)
