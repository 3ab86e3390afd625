"""The default backend: a Whoosh index in a folder of the instance (whoosh-reloaded, the maintained release).

Writes take the index's lock, so several processes can share the folder; each thread keeps its searcher
open and reopens it when the index changed (opening one per query costs more than the query).

A search works segment by segment on sets of document numbers held as bit sets (search_index.bitsets): the
documents having each word, each audience, each facet value. Their intersection is the matches; counting it
and its overlap with each facet value is the total and the facets, exact, without visiting a match. Only the
page is then found one document at a time: newest first by walking the segment's documents in date order,
best first by Whoosh's BM25F with its block-quality skipping (it scores the few postings that can reach the
page). A segment never changes, so its sets are kept (deleted documents are taken out by its live set).

Each document's words are indexed twice: in `words` with their frequencies (matching, counting, ranking:
reading its postings is cheap) and in `content` with their positions, read only for "quoted phrases"; and its
character pairs in `pairs`, so a term is also found wherever the text holds it (analysis): the documents having
a run's pairs and not its words are few, and their stored text is read to see that it holds the run.
Documents having every term's words one after the other rank first, then the others (the words apart, or the
term held only as text), newest first.
"""

import logging
import math
import pickle
import struct
from collections import Counter
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from threading import local

from whoosh import collectors, index
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import EmptyIndexError, LockError
from whoosh.query import And, AndMaybe, Or, Phrase, Term
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.writing import CLEAR, MERGE_SMALL

from search_index.analysis import PairTokenizer, chinese_analyzer
from search_index.backend import FACETS, Backend, Hit, IndexBusy, IndexUnreadable, QueryTerm, Results, SearchRequest
from search_index.bitsets import LRU, bitset, lookup, members
from search_index.documents import Document, hidden_from

log = logging.getLogger(__name__)
LOCK_TIMEOUT = 120.0  # seconds a writer waits for another process's write to finish
MAX_SEGMENTS = 10  # a search reads every segment; past this many, optimize() merges the smallest
TERM_SETS_BYTES = 64 * 2**20  # words' bit sets kept per process (a word in a 50,000-document segment: 6 KB)
SEGMENT_FACTS = 2_000  # segments' live sets, audience and facet sets and date orders kept
SPARSE = 64  # fewer matches than 1 in this many documents: sort them by date rather than walk the dates
REBUILD_MB = 256  # memory of each rebuild writer's postings pool before it spills a sorted run to disk
# What reading a folder deleted, a file cut short or overwritten raises from inside Whoosh: the index is unreadable.
# (A length read from garbage may ask for more memory than there is, or overflow.)
UNREADABLE = (
    OSError,
    EOFError,
    EmptyIndexError,
    pickle.UnpicklingError,
    struct.error,
    ValueError,
    IndexError,
    KeyError,
    OverflowError,
    MemoryError,
)


def _schema() -> Schema:
    analyzer = chinese_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),
        record_id=STORED,
        title=STORED,
        body=STORED,
        digest=STORED,
        words=TEXT(analyzer=analyzer, phrase=False),  # title and body: what the words must match
        content=TEXT(analyzer=analyzer, phrase=True),  # the same with positions, for phrases
        title_words=TEXT(analyzer=analyzer, phrase=False),  # a match in the title ranks higher
        pairs=TEXT(analyzer=PairTokenizer(), phrase=False),  # what the text holds, whatever its segmentation
        date=DATETIME(stored=True, sortable=True),
        audiences=KEYWORD(lowercase=False),
        **{name: ID(stored=name == "kind") for name in FACETS},
    )


def _merge_segments(writer, segments):
    """Whoosh's merge of the small segments, then of the smallest ones until MAX_SEGMENTS are left.

    Many small writes leave a segment each, and every search reads every segment.
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


def _fields(doc: Document) -> dict:
    text = f"{doc.title}\n{doc.body}"
    return {
        "key": doc.key,
        "record_id": doc.record_id,
        "title": doc.title,
        "body": doc.body,
        "digest": doc.digest,
        "words": text,
        "content": text,
        "title_words": doc.title,
        "pairs": text,
        "date": doc.date,
        "audiences": " ".join(doc.audiences),
        **{name: str(getattr(doc, name) or "") for name in FACETS},
    }


def _postings(reader, field: str, term: str):
    """The segment's document numbers having `term` in `field`, deleted ones included (the live set takes
    them out), read a block at a time: Whoosh's own iteration steps through them one by one."""
    try:
        matcher = reader.postings(field, term)
    except TermNotFound:
        return ()
    matcher = getattr(matcher, "child", matcher)  # under the filter of deleted documents
    if not hasattr(matcher, "_read_ids"):  # postings kept inline in the term's entry
        return matcher.all_ids()
    found = []
    while not matcher._atend:
        matcher._read_ids()
        found.extend(matcher._ids)
        matcher._next_block()
    return found


def _reading(method):
    """A read of the index: on a failure, once more with a fresh searcher (the index may just have been
    rebuilt under this one); failing again, IndexUnreadable."""

    @wraps(method)
    def read(self, *args, **kwargs):
        for attempt in (1, 2):
            try:
                return method(self, *args, **kwargs)
            except UNREADABLE as error:
                self._forget_searcher()
                if attempt == 2:
                    raise IndexUnreadable(str(self.folder)) from error

    return read


class WhooshBackend(Backend):
    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._local = local()
        self._term_sets = LRU(TERM_SETS_BYTES, weigh=lambda bits: bits.bit_length() // 8 + 64)
        self._facts = LRU(SEGMENT_FACTS)
        try:
            self.index = self._open()
        except UNREADABLE:  # searches say so, and the worker rebuilds it
            log.exception("the search index in %s cannot be read", self.folder)
            self.index = None

    def _open(self, *, anew: bool = False):
        """The index in the folder; made (empty) when there is none, of an older layout, or `anew`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        schema = _schema()
        if not anew and index.exists_in(self.folder):
            found = index.open_dir(self.folder)
            if sorted(found.schema.names()) == sorted(schema.names()):
                return found
            log.warning("the search index in %s has an older layout: made anew, rebuild it", self.folder)
        return index.create_in(self.folder, schema)

    def _index(self):
        """The index to read: opened again if it could not be read before (a rebuild may have made it since)."""
        if self.index is None:
            try:
                self.index = index.open_dir(self.folder)
            except UNREADABLE as error:
                raise IndexUnreadable(str(self.folder)) from error
        return self.index

    # Writing ------------------------------------------------------------------------------------------

    def _new_writer(self, **options):
        try:
            return self._index().writer(timeout=LOCK_TIMEOUT, **options)
        except LockError as error:
            raise IndexBusy(str(self.folder)) from error
        except UNREADABLE as error:  # the folder is gone, or its table of contents damaged
            raise IndexUnreadable(str(self.folder)) from error

    @contextmanager
    def writing(self):
        """Hold the index's write lock for a batch: what is read and written inside stays in order."""
        writer = self._new_writer()
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
        try:
            for doc in docs:
                writer.update_document(**_fields(doc))  # deletes the old one: reads the segments
        except UNREADABLE as error:
            raise IndexUnreadable(str(self.folder)) from error

    def delete(self, keys: list[str]) -> None:
        writer = self._writer()
        try:
            for key in keys:
                writer.delete_by_term("key", key)
        except UNREADABLE as error:
            raise IndexUnreadable(str(self.folder)) from error

    @contextmanager
    def rebuilding(self, *, processes: int = 1):
        """One writer for the whole rebuild; with several `processes`, Whoosh's MpWriter (they segment and
        index side by side, a segment each). Searches read the old documents until it commits.

        The writer processes are forked, so they segment with this process's domain terms. An index that
        cannot be read (its folder deleted, its table of contents damaged) is first made anew, empty; damaged
        segments need not be read, as the rebuild's commit drops them all.
        """
        options = {"procs": processes, "multisegment": True} if processes > 1 else {}
        try:
            writer = self._new_writer(limitmb=REBUILD_MB, **options)
        except IndexUnreadable:
            log.warning("the search index in %s cannot be read: made anew", self.folder)
            self.index = self._open(anew=True)
            writer = self._new_writer(limitmb=REBUILD_MB, **options)
        try:
            yield lambda docs: [writer.add_document(**_fields(doc)) for doc in docs]
        except BaseException:
            writer.cancel()
            raise
        else:
            writer.commit(mergetype=CLEAR)

    def clear(self) -> None:
        self._new_writer().commit(mergetype=CLEAR)

    def optimize(self) -> None:
        self._new_writer().commit(mergetype=_merge_segments)

    # What is kept of each segment -----------------------------------------------------------------------

    @staticmethod
    def _segment_id(reader) -> str:
        return reader.segment().segment_id()

    def _term_set(self, reader, field: str, term: str) -> int:
        size = reader.doc_count_all()
        return self._term_sets.get(
            (self._segment_id(reader), field, term), lambda: bitset(_postings(reader, field, term), size)
        )

    def _live(self, reader) -> int:
        """The segment's documents not deleted (deletions only grow, so their count tells the set)."""
        size = reader.doc_count_all()
        deleted = size - reader.doc_count()

        def make():
            every = (1 << size) - 1
            return every & ~bitset(reader.deleted_docs_set, size) if deleted else every

        return self._facts.get((self._segment_id(reader), "live", deleted), make)

    def _values(self, reader, name: str) -> list[tuple[str, int]]:
        """Each value of a facet in the segment with the set of its documents."""
        size = reader.doc_count_all()

        def make():
            return [(value, bitset(_postings(reader, name, value), size)) for value in reader.field_terms(name)]

        return self._facts.get((self._segment_id(reader), "values", name), make)

    def _dates(self, reader) -> tuple[list, list[int]]:
        """Each document's date (as Whoosh stores it: a number) and the documents newest first."""

        def make():
            dates = list(reader.column_reader("date", translate=False))
            return dates, sorted(range(len(dates)), key=lambda docnum: (-(dates[docnum] or 0), docnum))

        return self._facts.get((self._segment_id(reader), "dates"), make)

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
            searcher = self._local.searcher = self._index().searcher()
        return searcher

    def _forget_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if searcher is not None:
            try:
                searcher.close()
            except UNREADABLE:
                log.debug("closing a searcher of an unreadable index", exc_info=True)

    @staticmethod
    def _segments(searcher):
        """(segment's searcher, its reader, offset of its document numbers) of each segment with documents."""
        return [
            (sub, sub.reader(), offset) for sub, offset in searcher.leaf_searchers() if sub.reader().doc_count_all()
        ]

    def _allowed(self, reader, audiences: list[str], filters: dict[str, list[str]]) -> int:
        """The live documents of one of the audiences, hidden from none of them, of one of each filter's values."""
        found = 0
        for audience in audiences:
            found |= self._term_set(reader, "audiences", audience)
        for token in hidden_from(audiences):
            if found:
                found &= ~self._term_set(reader, "audiences", token)
        found &= self._live(reader)
        for name, values in filters.items():
            if values and found:
                wanted = set(values)
                chosen = 0
                for value, docs in self._values(reader, name):
                    if value in wanted:
                        chosen |= docs
                found &= chosen
        return found

    def _matching(self, segment, request: SearchRequest) -> tuple[int, int]:
        """(documents matching every term, those of them having every term's words one after the other)."""
        sub, reader, _offset = segment
        found = self._allowed(reader, request.audiences, request.filters)
        whole = found
        for term in request.terms:
            if not found:
                return 0, 0
            by_words = found
            for word in term.words:
                by_words &= self._term_set(reader, "words", word)
            in_order = (
                by_words & self._phrase_set(sub, reader, "content", term.words) if len(term.words) > 1 else by_words
            )
            whole &= in_order
            by_words = in_order if term.phrase else by_words
            found &= by_words | self._held_set(reader, term, found & ~by_words)
        return found, whole

    def _held_set(self, reader, term: QueryTerm, within: int) -> int:
        """The documents of `within` whose text holds the term as typed: those having each run's pairs, whose
        stored text is then read (positions would cost every document's index more than these few reads)."""
        if not term.pairs:
            return 0
        found = within
        for run in term.pairs:
            for pair in run:
                if not found:
                    return 0
                found &= self._term_set(reader, "pairs", pair)
        runs = [run[0] + "".join(pair[1] for pair in run[1:]) for run in term.pairs if len(run) > 1]
        if not runs or not found:  # a run of two characters is its pair
            return found
        held = []
        for docnum in members(found):
            fields = reader.stored_fields(docnum)
            text = f"{fields['title']}\n{fields['body']}".lower()
            if all(run in text for run in runs):
                held.append(docnum)
        return bitset(held, reader.doc_count_all())

    def _phrase_set(self, sub, reader, field: str, phrase: list[str]) -> int:
        size = reader.doc_count_all()
        return self._term_sets.get(
            (self._segment_id(reader), field, tuple(phrase)),
            lambda: bitset(Phrase(field, phrase).matcher(sub).all_ids(), size),
        )

    @_reading
    def search(self, request: SearchRequest) -> Results:
        searcher = self._searcher()
        matched, total, counts = [], 0, {name: Counter() for name in FACETS}
        for segment in self._segments(searcher):
            found, whole = self._matching(segment, request)
            if not found:
                continue
            matched.append((segment, found, whole))
            total += found.bit_count()
            for name in FACETS:
                for value, docs in self._values(segment[1], name):
                    if value and (shared := (found & docs).bit_count()):
                        counts[name][value] += shared
        # As Whoosh's pages: one past the last is the last.
        page = min(request.page, max(math.ceil(total / request.per_page), 1))
        limit = page * request.per_page
        if request.order == "newest" or not request.terms:
            top = self._newest([(segment, found) for segment, found, _whole in matched], limit)
        else:  # those having every term's words in order by their rank, then the others newest first
            top = self._best(searcher, request, matched, limit)
            if len(top) < limit:
                others = [(segment, found & ~whole) for segment, found, whole in matched]
                top += self._newest(others, limit - len(top))
        start = (page - 1) * request.per_page
        hits = [self._hit(searcher.stored_fields(docnum), score) for score, docnum in top[start:limit]]
        facets = {name: sorted(found.items(), key=lambda item: (-item[1], item[0])) for name, found in counts.items()}
        return Results(total=total, hits=hits, facets=facets)

    def _newest(self, matched, limit: int) -> list[tuple[float, int]]:
        """(0, document number) of the `limit` newest matches."""
        candidates = []
        for (_sub, reader, offset), found in matched:
            if not found:
                continue
            dates, order = self._dates(reader)
            if found.bit_count() * SPARSE < len(order):
                top = sorted(members(found), key=lambda docnum: (-(dates[docnum] or 0), docnum))[:limit]
            else:  # many: the first documents in date order that match come soon
                test, top = lookup(found, len(order)), []
                for docnum in order:
                    if test[docnum >> 3] >> (docnum & 7) & 1:
                        top.append(docnum)
                        if len(top) == limit:
                            break
            candidates += [(dates[docnum] or 0, offset + docnum) for docnum in top]
        candidates.sort(key=lambda candidate: (-candidate[0], candidate[1]))
        return [(0.0, docnum) for _date, docnum in candidates[:limit]]

    @staticmethod
    def _best(searcher, request: SearchRequest, matched, limit: int) -> list[tuple[float, int]]:
        """(score, document number) of the `limit` best matches having every term's words in order: all the
        words, a title match ranking higher."""
        words = request.every_word
        query = AndMaybe(And([Term("words", word) for word in words]), Or([Term("title_words", w) for w in words]))
        sets = {offset: lookup(whole, reader.doc_count_all()) for (_sub, reader, offset), _found, whole in matched}
        collector = _Only(collectors.TopCollector(limit), sets)
        searcher.search_with_collector(query, collector)
        return list(collector.results().top_n)

    @staticmethod
    def _hit(fields, score: float) -> Hit:
        return Hit(
            kind=fields["kind"],
            record_id=fields["record_id"],
            title=fields["title"],
            body=fields["body"],
            date=fields.get("date"),
            score=score or 0.0,
        )

    @_reading
    def similar(
        self, words: list[str], *, audiences: list[str], kinds: list[str], exclude: str, limit: int, min_match: int
    ):
        if not words:
            return []
        searcher = self._searcher()
        sets = {}
        for _sub, reader, offset in self._segments(searcher):
            found = self._allowed(reader, audiences, {"kind": kinds})
            if exclude:
                found &= ~self._term_set(reader, "key", exclude)
            sets[offset] = lookup(found, reader.doc_count_all())
        collector = _Only(searcher.collector(limit=limit), sets)
        searcher.search_with_collector(Or([Term("words", word) for word in words], minmatch=min_match), collector)
        return [self._hit(hit.fields(), hit.score) for hit in collector.results()]

    @_reading
    def digests(self) -> dict[str, str]:
        return {fields["key"]: fields["digest"] for fields in self._searcher().all_stored_fields()}


class _Only(collectors.WrappingCollector):
    """Passes on to `child` only the documents of each segment's set (bytes of bits, by the segment's offset)."""

    def __init__(self, child, sets: dict[int, bytes]):
        super().__init__(child)
        self._sets = sets
        self._set = None

    def set_subsearcher(self, subsearcher, offset):
        super().set_subsearcher(subsearcher, offset)
        self._set = self._sets.get(offset)

    def collect_matches(self):
        test = self._set
        if test is None:
            return
        collect = self.child.collect
        for docnum in self.child.matches():
            if test[docnum >> 3] >> (docnum & 7) & 1:
                collect(docnum)
