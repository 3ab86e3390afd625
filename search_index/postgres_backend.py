"""The backend for several machines: the documents in a PostgreSQL table, their words in a `tsvector`.

The words are the segmenter's, as Whoosh indexes them: each at its ordinal position, the title's weighted A
and the body's B, a long word's dictionary sub-words at the parent's position (so 人民 finds 中华人民共和国 and
a phrase still lines up). Its character pairs (analysis.pairs) are a second vector, `pairs`, of lexemes
alone: a term is also found wherever the text holds it, as Whoosh finds it — the documents having each run's
pairs, whose text is then read for the run (positions would make every vector longer for these few reads).
Documents having every term's words in order rank first, the others after, newest first. The vector is
written as lexeme:position literals, not through `to_tsvector`, whose parser knows nothing of Chinese words;
the `simple` configuration is all the queries need.

Newest first and browsing count the matches only up to `count_cap` (SEARCH_COUNT_CAP): reading every match's
row for its facets is what the search would wait for (a word in a quarter of 100,000 documents: 13,600 heap
pages, 120–220 ms). So they read at most `count_cap` + 1 matches, with a LIMIT under the count, and past the
cap say "1,000+": the total is the cap, and each facet's count is of those matches, a lower bound too (a value
none of them holds is not offered). Best first reads every match to rank it, so it counts them all exactly.

The backend owns its table: it makes it, with its indexes, the first time it is used (no Alembic migration,
no SQLAlchemy model, so `db.create_all()` on SQLite never sees it). Everything goes through `db.session`, so a
batch of index writes commits with the lock that orders it, and a TRUNCATE never waits on our own reads.
"""

import logging
import math
import multiprocessing
import threading
from collections import deque
from contextlib import contextmanager
from functools import lru_cache, wraps

from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from core.segmentation import segmenter
from extensions import db
from search_index.analysis import pairs
from search_index.backend import FACETS, Backend, Hit, IndexUnreadable, QueryTerm, Results, SearchRequest
from search_index.documents import Document, hidden_from

log = logging.getLogger(__name__)
TABLE = "search_documents"
# pg_advisory_xact_lock keys: one writer at a time; one process making the table.
WRITE_LOCK = 0x5EA2C4
CREATE_LOCK = 0x5EA2C5
# ts_rank_cd's weights of D, C, B, A: a title match (A) counts 2.5 times a body match (B).
# Normalisation 1|32: divided by 1 + log(length) (a long text does not win by its length), then into 0..1.
WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
RANK = f"ts_rank_cd({WEIGHTS}, words, query, {1 | 32})"
# A search's: documents having every term's words in order (`whole`) in 0.5..1 by their rank, the others 0 (then
# newest first, as Whoosh orders them).
SEARCH_RANK = f"CASE WHEN words @@ whole THEN 0.5 + ts_rank_cd({WEIGHTS}, words, whole, {1 | 32}) / 2 ELSE 0 END"
# tsvector's limits: a lexeme under 2 KB, positions 1..16383, 256 positions a lexeme, 1 MB of lexemes.
MAX_LEXEME_BYTES, MAX_POSITION, MAX_POSITIONS, MAX_LEXEMES_BYTES = 2047, 16383, 256, 1_000_000

# (column, SQL type) of the table, in its order; what update() and a rebuild write.
COLUMNS = (
    ("key", "text"),
    ("kind", "text"),
    ("record_id", "integer"),
    ("title", "text"),
    ("body", "text"),
    ("digest", "text"),
    ("round_id", "text"),
    ("category", "text"),
    ("status", "text"),
    ("unit_kind", "text"),
    ("unit", "text"),
    ("channel", "text"),
    ("date", "timestamp"),
    ("audiences", "text[]"),
    ("words", "tsvector"),
    ("pairs", "tsvector"),
)
NAMES = ", ".join(name for name, _type in COLUMNS)
INDEXES = ("words", "pairs", "audiences", "date")
# The table's comment names its layout (change it with COLUMNS or what the vectors hold): a table of an older one,
# such as layout 2's vectors with a sample lexeme each (for estimated counts), is made anew.
LAYOUT = "layout 4: words and a vector of character pairs"


def table_ddl(table: str) -> str:
    columns = ", ".join(f"{name} {type}" + ("" if name == "date" else " NOT NULL") for name, type in COLUMNS)
    return f"CREATE TABLE IF NOT EXISTS {table} ({columns}, PRIMARY KEY (key)); COMMENT ON TABLE {table} IS '{LAYOUT}'"


def index_ddl(table: str) -> str:
    return f"""
        CREATE INDEX IF NOT EXISTS {table}_words ON {table} USING gin (words);
        CREATE INDEX IF NOT EXISTS {table}_pairs ON {table} USING gin (pairs);
        CREATE INDEX IF NOT EXISTS {table}_audiences ON {table} USING gin (audiences);
        CREATE INDEX IF NOT EXISTS {table}_date ON {table} (date DESC NULLS LAST, key);
    """


# One statement for a chunk of documents, in psycopg's placeholders (it runs on the driver's connection);
# each column of the chunk is one array. Audiences are joined by spaces: unnest cannot take an array of
# arrays of different lengths.
UPSERT = f"""
INSERT INTO {TABLE} ({NAMES})
SELECT {", ".join(name for name, _type in COLUMNS[:-3])}, string_to_array(audiences, ' '), CAST(words AS tsvector),
    CAST(pairs AS tsvector)
FROM unnest({
    ", ".join(f"CAST(%({name})s AS {'text' if type in ('text[]', 'tsvector') else type}[])" for name, type in COLUMNS)
}) AS chunk({NAMES})
ON CONFLICT (key) DO UPDATE SET {", ".join(f"{name} = excluded.{name}" for name, _type in COLUMNS[1:])}
"""
REBUILT = f"{TABLE}_rebuilt"  # where a rebuild writes, until it takes the table's place
REBUILD_MEMORY = "256MB"  # maintenance_work_mem of the rebuild's index builds
SWAP_TIMEOUT = "60s"  # how long the swap waits for the searches reading the old table
FACET_COLUMNS = ", ".join(FACETS)


def counts_sql(source: str) -> str:
    """The total and every facet's counts over what `source` gives, in one pass."""
    sets = ", ".join(f"({name})" for name in FACETS)
    return (
        f"SELECT GROUPING({FACET_COLUMNS}) AS grouping, {FACET_COLUMNS}, count(*) AS n FROM {source}"
        f" GROUP BY GROUPING SETS ({sets}, ())"
    )


CHUNK = 100  # documents a statement: PostgreSQL writes one chunk while this process segments the next


def quoted(word: str) -> str:
    """A lexeme as tsvector and tsquery literals write it: in quotes, its quotes and backslashes doubled."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


@lru_cache(maxsize=200_000)  # the same words come back document after document
def _entry(word: str) -> str:
    return quoted(word) + ":"


# "3A", "3B": a position and its weight, made once (a rebuild writes millions of them).
TITLE_PLACES = [f"{position + 1}A" for position in range(MAX_POSITION)]
BODY_PLACES = [f"{position + 1}B" for position in range(MAX_POSITION)]


def vector(title: str, body: str) -> str:
    """The tsvector literal of a document: 'word':position + weight, A in the title and B in the body."""
    content = f"{title}\n{body}"  # as Whoosh's content field: one run of positions, title first
    tokens = segmenter().tokens(content, sub_words=True)
    if len(content) >= MAX_POSITION:  # so many words: PostgreSQL keeps the last position for the rest
        tokens = ((word, min(position, MAX_POSITION - 1), start, end) for word, position, start, end in tokens)
    title_end = len(title)
    positions: dict[str, list[str]] = {}
    for word, position, start, _end in tokens:
        place = TITLE_PLACES[position] if start < title_end else BODY_PLACES[position]
        found = positions.get(word)
        if found is None:
            positions[word] = [place]
        else:
            found.append(place)
    if max(map(len, positions), default=0) > MAX_LEXEME_BYTES // 4:  # a giant PostgreSQL would refuse
        positions = {word: places for word, places in positions.items() if len(word.encode()) <= MAX_LEXEME_BYTES}
    if sum(map(len, positions)) > MAX_LEXEMES_BYTES // 4:  # past 1 MB of lexemes, the rest is left out
        kept, size = {}, 0
        for word, places in positions.items():
            size += len(word.encode())
            if size > MAX_LEXEMES_BYTES:
                break
            kept[word] = places
        positions = kept
    # PostgreSQL keeps a lexeme's first 256 positions; sending more is only slower.
    return " ".join([_entry(word) + ",".join(places[:MAX_POSITIONS]) for word, places in positions.items()])


def pair_vector(title: str, body: str) -> str:
    """The tsvector literal of a document's character pairs, each once."""
    return " ".join(quoted(pair) for pair in dict.fromkeys(pair for pair, _offset in pairs(f"{title}\n{body}")))


def by_words(term: QueryTerm, *, in_order: bool) -> str:
    """A term's words, anywhere or one after the other."""
    return "(" + (" <-> " if in_order else " & ").join(quoted(word) for word in term.words) + ")"


def term_conditions(terms: list[QueryTerm], params: dict) -> str:
    """The condition of every term: its words (in order for a phrase), or its pairs and, where a run is longer
    than its pair, the text read for it."""
    conditions = []
    for number, term in enumerate(terms):
        params[f"words_{number}"] = by_words(term, in_order=term.phrase)
        words = f"words @@ CAST(:words_{number} AS tsquery)"
        if not term.pairs:
            conditions.append(words)
            continue
        params[f"pairs_{number}"] = " & ".join(quoted(pair) for run in term.pairs for pair in run)
        held = [f"pairs @@ CAST(:pairs_{number} AS tsquery)"]
        for run_number, run in enumerate(run for run in term.pairs if len(run) > 1):
            params[f"run_{number}_{run_number}"] = run[0] + "".join(pair[1] for pair in run[1:])
            held.append(f"strpos(lower(title || E'\\n' || body), :run_{number}_{run_number}) > 0")
        conditions.append(f"({words} OR ({' AND '.join(held)}))")
    return " AND ".join(conditions)


def whole_tsquery(terms: list[QueryTerm]) -> str:
    """Every term's words one after the other: the matches that rank first."""
    return " & ".join(by_words(term, in_order=True) for term in terms)


def _rows(docs: list[Document]) -> list[tuple]:
    """Each document's values in the order of COLUMNS."""
    return [
        (doc.key, doc.kind, doc.record_id, doc.title, doc.body, doc.digest, str(doc.round_id), doc.category,
         doc.status, doc.unit_kind, doc.unit, doc.channel, doc.date, doc.audiences,
         vector(doc.title, doc.body), pair_vector(doc.title, doc.body))
        for doc in docs
    ]  # fmt: skip


@contextmanager
def _rows_beside(processes: int, write):
    """A function taking documents whose rows go to `write`, in order; with several `processes`, segmented
    by forked processes (with this one's domain terms) while this one reads the next records."""
    if processes < 2:
        yield lambda docs: write(_rows(docs))
        return
    pending = deque()
    with multiprocessing.get_context("fork").Pool(processes) as pool:

        def add(docs: list[Document]) -> None:
            pending.append(pool.apply_async(_rows, (docs,)))
            while len(pending) > processes:  # a batch a process in hand, no more: memory stays flat
                write(pending.popleft().get())

        yield add
        while pending:
            write(pending.popleft().get())


UNDEFINED_TABLE = "42P01"


def _table_missing(error: Exception) -> bool:
    """Whether a statement failed for want of the table (SQLAlchemy's error, or psycopg's from its cursor)."""
    return UNDEFINED_TABLE in (
        getattr(error, "sqlstate", None),
        getattr(getattr(error, "orig", None), "sqlstate", None),
    )


def _reading(method):
    """A read of the table: a table dropped under the running server is IndexUnreadable (then made anew)."""

    @wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ProgrammingError as error:
            if not _table_missing(error):
                raise
            db.session.rollback()
            self._ready = False
            raise IndexUnreadable(TABLE) from error

    return read


class PostgresBackend(Backend):
    def __init__(self, *, count_cap: int = 1000):
        self.count_cap = count_cap
        self._ready = False
        self._local = threading.local()

    def _ensure(self, *, reading: bool = False) -> None:
        """Make the table and its indexes if they are missing, or anew if the table is of an older layout
        (then empty: rebuild it); once per backend, so once per process.

        A search (`reading`) makes no table: with none, the index is unreadable until the worker rebuilds it,
        rather than found empty."""
        if self._ready:
            return
        names = [TABLE, *(f"{TABLE}_{name}" for name in INDEXES)]
        present = db.session.execute(
            text(
                "SELECT count(to_regclass(name)) AS found, to_regclass(:table) IS NOT NULL AS table_found,"
                " obj_description(to_regclass(:table), 'pg_class') AS layout"
                " FROM unnest(CAST(:names AS text[])) AS name"
            ),
            {"names": names, "table": TABLE},
        ).one()
        if reading and not present.table_found:
            raise IndexUnreadable(TABLE)
        older = present.table_found and present.layout != LAYOUT
        if present.found != len(names) or older:
            # Its own connection: the catalog change commits whatever the session is doing; the lock keeps
            # two processes starting at once from both creating the same type.
            with db.engine.begin() as connection:
                connection.execute(text("SET LOCAL lock_timeout = '30s'"))
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CREATE_LOCK})
                layout = connection.scalar(
                    text("SELECT obj_description(to_regclass(:table), 'pg_class')"), {"table": TABLE}
                )
                if older and layout != LAYOUT:  # not made anew by another process while this one waited
                    log.warning("the search table has an older layout: made anew, rebuild the index")
                    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
                connection.exec_driver_sql(table_ddl(TABLE) + ";" + index_ddl(TABLE))
        self._ready = True

    # Writing ------------------------------------------------------------------------------------------

    @contextmanager
    def writing(self):
        """Hold the write lock for a batch, and commit the session with it: what is read inside stays in order.

        The lock is PostgreSQL's transaction-level advisory lock, so it lasts until the commit that makes
        the batch's writes visible; the next writer reads after that.
        """
        self._ensure()
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        self._local.writing = True
        try:
            yield self
        except BaseException as error:
            db.session.rollback()
            if _table_missing(error):
                self._ready = False
                raise IndexUnreadable(TABLE) from error
            raise
        else:
            db.session.commit()
        finally:
            self._local.writing = False

    def _check_writing(self) -> None:
        if not getattr(self._local, "writing", False):
            raise RuntimeError("write inside `with backend.writing():`")

    def update(self, docs: list[Document]) -> None:
        self._check_writing()
        docs = list({doc.key: doc for doc in docs}.values())  # a statement may touch a row only once
        driver = db.session.connection().connection.dbapi_connection  # psycopg's, in the session's transaction
        # Pipeline mode: each chunk is sent without waiting for the one before, so the database's work
        # (parsing the vectors, the GIN index) runs beside the segmenting here — a rebuild goes half again faster.
        with driver.pipeline(), driver.cursor() as cursor:
            for first in range(0, len(docs), CHUNK):
                cursor.execute(UPSERT, self._columns(docs[first : first + CHUNK]))

    @staticmethod
    def _columns(docs: list[Document]) -> dict[str, list]:
        rows = _rows(docs)
        columns = {name: [row[i] for row in rows] for i, (name, _type) in enumerate(COLUMNS)}
        columns["audiences"] = [" ".join(audiences) for audiences in columns["audiences"]]
        return columns

    @contextmanager
    def rebuilding(self, *, processes: int = 1):
        """Into a table of its own, filled by COPY and indexed once full (a GIN index built at once costs a
        fraction of one grown row by row), which then takes the table's place in one short transaction:
        searches read the old table until then. A connection of its own, so the records are read beside it;
        it holds the write lock throughout, so the worker's batches wait and follow."""
        self._ensure()
        with db.engine.connect() as connection:
            driver = connection.connection.dbapi_connection
            with driver.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
                cursor.execute(f"DROP TABLE IF EXISTS {REBUILT}")
                cursor.execute(table_ddl(REBUILT))

                def write(rows: list[tuple]) -> None:
                    with cursor.copy(f"COPY {REBUILT} ({NAMES}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)

                try:
                    with _rows_beside(processes, write) as add:
                        yield add
                except BaseException:
                    driver.rollback()
                    raise
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{REBUILD_MEMORY}'")
                cursor.execute(index_ddl(REBUILT))
                cursor.execute(f"ANALYZE {REBUILT}")
                # The swap waits for the searches reading the table; a transaction left open on it would hold
                # it for ever, so give up (and roll back) rather than hang.
                cursor.execute(f"SET LOCAL lock_timeout = '{SWAP_TIMEOUT}'")
                cursor.execute(f"DROP TABLE {TABLE}")
                cursor.execute(f"ALTER TABLE {REBUILT} RENAME TO {TABLE}")
                for name in INDEXES:
                    cursor.execute(f"ALTER INDEX {REBUILT}_{name} RENAME TO {TABLE}_{name}")
                cursor.execute(f"ALTER INDEX {REBUILT}_pkey RENAME TO {TABLE}_pkey")
            driver.commit()

    def delete(self, keys: list[str]) -> None:
        self._check_writing()
        if keys:
            db.session.execute(text(f"DELETE FROM {TABLE} WHERE key = ANY(CAST(:keys AS text[]))"), {"keys": keys})

    def clear(self) -> None:
        self._ensure()
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
        db.session.execute(text(f"TRUNCATE {TABLE}"))
        db.session.commit()

    def optimize(self) -> None:
        """Merge the GIN indexes' pending entries (each query reads them one by one) and, once many rows
        changed (a rebuild), give the planner fresh statistics, as autovacuum would later."""
        self._ensure()
        db.session.execute(  # only the owner may; autovacuum does it for the others
            text(
                "SELECT gin_clean_pending_list(oid) FROM pg_class"
                " WHERE oid = ANY(CAST(:indexes AS regclass[])) AND pg_has_role(relowner, 'USAGE')"
            ),
            {"indexes": [f"{TABLE}_words", f"{TABLE}_audiences"]},
        )
        stale = db.session.scalar(
            text(
                "SELECT n_mod_since_analyze > 50 + 0.1 * n_live_tup OR coalesce(last_analyze, last_autoanalyze) IS NULL"
                " FROM pg_stat_user_tables WHERE relid = CAST(:table AS regclass)"
            ),
            {"table": TABLE},
        )
        if stale:
            db.session.execute(text(f"ANALYZE {TABLE}"))
        db.session.commit()

    # Reading ------------------------------------------------------------------------------------------

    @staticmethod
    @contextmanager
    def _planned(*, words: bool):
        """Plan the search's statements for their own values, and with words, through the words' index;
        then give the rest of the transaction its settings back.

        psycopg prepares a statement run five times, and PostgreSQL's generic plan for it, blind to which
        words are asked, scans by audience (nearly every document) and tests every vector: 40 ms where the
        index takes 2. And the planner counts a vector's test as cheap, so for a common word it reads the
        whole table, unpacking every vector (300 ms at 100,000 documents, where the index takes 50).
        """
        before = db.session.execute(
            text(
                "SELECT current_setting('plan_cache_mode') AS plans, current_setting('enable_seqscan') AS scans,"
                " set_config('plan_cache_mode', 'force_custom_plan', true),"
                " set_config('enable_seqscan', :scans, true)"
            ),
            {"scans": "off" if words else "on"},
        ).one()
        yield
        db.session.execute(
            text("SELECT set_config('plan_cache_mode', :plans, true), set_config('enable_seqscan', :scans, true)"),
            {"plans": before.plans, "scans": before.scans},
        )

    @staticmethod
    def _where(audiences: list[str], filters: dict[str, list[str]], params: dict) -> list[str]:
        """The conditions every search shares: a named audience and none hiding the document from the reader,
        and one of the values of each facet filter."""
        params["audiences"], params["hidden"] = list(audiences), hidden_from(audiences)
        conditions = ["audiences && CAST(:audiences AS text[])", "NOT audiences && CAST(:hidden AS text[])"]
        for name, values in filters.items():
            if name in FACETS and values:
                params[f"filter_{name}"] = [str(value) for value in values]
                conditions.append(f"{name} = ANY(CAST(:filter_{name} AS text[]))")
        return conditions

    @_reading
    def search(self, request: SearchRequest) -> Results:
        self._ensure(reading=True)
        matching = bool(request.terms)
        with self._planned(words=matching):
            return self._search(request, matching)

    def _search(self, request: SearchRequest, matching: bool) -> Results:
        params: dict = {"limit": request.per_page}
        conditions = self._where(request.audiences, request.filters, params)
        if matching:
            params["whole"] = whole_tsquery(request.terms)
            conditions.append(term_conditions(request.terms, params))
        where = " AND ".join(conditions)
        if matching and request.order != "newest":
            return self._ranked(where, params, request.page)
        total, facets, capped = self._capped_counts(where, params)
        # As Whoosh: a page past the last is the last; past the cap the last is not known, and a page past it is empty.
        last_page = max(math.ceil(total / request.per_page), 1)
        params["offset"] = ((request.page if capped else min(request.page, last_page)) - 1) * request.per_page
        if matching:  # newest first: the date index gives the page, and only the page is ranked
            sql = (
                f"SELECT kind, record_id, title, body, date, {SEARCH_RANK} AS score"
                f" FROM (SELECT * FROM {TABLE} WHERE {where} ORDER BY date DESC NULLS LAST, key"
                " LIMIT :limit OFFSET :offset) AS page, CAST(:whole AS tsquery) AS whole"
                " ORDER BY date DESC NULLS LAST, key"
            )
        else:
            sql = (
                f"SELECT kind, record_id, title, body, date, 0.0 AS score FROM {TABLE} WHERE {where}"
                " ORDER BY date DESC NULLS LAST, key LIMIT :limit OFFSET :offset"
            )
        hits = [Hit(*row[:5], score=float(row.score)) for row in db.session.execute(text(sql), params)]
        return Results(total=total, hits=hits, facets=facets, capped=capped)

    def _capped_counts(self, where: str, params: dict):
        """(total, facets, capped) of newest first or browsing, from at most `count_cap` + 1 matches, whichever
        the scan meets first: when there are more than the cap, the total is the cap and the facets' counts
        are of those matches (each at most the cap), all lower bounds."""
        params["counted"] = self.count_cap + 1
        counted = f"(SELECT {FACET_COLUMNS} FROM {TABLE} WHERE {where} LIMIT :counted) AS counted"
        total, facets = self._counts(db.session.execute(text(counts_sql(counted)), params))
        if total <= self.count_cap:
            return total, facets, False
        cap = self.count_cap
        return cap, {name: [(value, min(n, cap)) for value, n in counts] for name, counts in facets.items()}, True

    def _ranked(self, where: str, params: dict, page: int) -> Results:
        """Best first: the matches are read once, ranked, counted by facet, and their page picked in one
        statement (the ranking reads every matching vector; a second pass for the counts cost a third more)."""
        params["offset"] = (page - 1) * params["limit"]
        nulls = ", ".join("NULL" for _name in FACETS)
        sql = f"""
            WITH matched AS MATERIALIZED (
                SELECT key, {FACET_COLUMNS}, date, {SEARCH_RANK} AS score
                FROM {TABLE}, CAST(:whole AS tsquery) AS whole WHERE {where}
            )
            SELECT *, NULL AS key, CAST(NULL AS real) AS score FROM ({counts_sql("matched")}) AS counts
            UNION ALL
            SELECT NULL, {nulls}, NULL, key, score FROM (
                SELECT key, score FROM matched ORDER BY score DESC, date DESC NULLS LAST, key LIMIT :limit
                OFFSET LEAST(:offset, (GREATEST((SELECT count(*) FROM matched), 1) - 1) / :limit * :limit)
            ) AS page
        """  # the counts' rows have no key; a page past the last is the last, as Whoosh's
        rows = db.session.execute(text(sql), params).all()
        total, facets = self._counts(row for row in rows if row.key is None)
        page_rows = [row for row in rows if row.key is not None]
        hits = db.session.execute(
            text(
                f"SELECT kind, record_id, title, body, date, page.score FROM {TABLE}"
                " JOIN unnest(CAST(:keys AS text[]), CAST(:scores AS real[])) AS page(key, score) USING (key)"
                " ORDER BY page.score DESC, date DESC NULLS LAST, key"
            ),
            {"keys": [row.key for row in page_rows], "scores": [row.score for row in page_rows]},
        )
        return Results(total=total, hits=[Hit(*row[:5], score=float(row.score)) for row in hits], facets=facets)

    @staticmethod
    def _counts(rows) -> tuple[int, dict[str, list[tuple[str, int]]]]:
        """The total and each facet's (value, count), most first, from the rows of GROUPING SETS."""
        everything = (1 << len(FACETS)) - 1  # GROUPING's bit is 1 for each column left out of the set
        grouped_by = {everything ^ (1 << (len(FACETS) - 1 - i)): name for i, name in enumerate(FACETS)}
        total, facets = 0, {name: [] for name in FACETS}
        for row in rows:
            if row.grouping == everything:
                total = row.n
            elif value := getattr(row, name := grouped_by[row.grouping]):  # an empty value is no facet
                facets[name].append((value, row.n))
        for counts in facets.values():
            counts.sort(key=lambda item: (-item[1], item[0]))
        return total, facets

    @_reading
    def similar(
        self, words: list[str], *, audiences: list[str], kinds: list[str], exclude: str, limit: int, min_match: int
    ):
        if not words:
            return []
        self._ensure(reading=True)
        params = {"query": " | ".join(quoted(word) for word in words), "exclude": exclude, "limit": limit}
        params |= {f"word_{number}": quoted(word) for number, word in enumerate(words)}
        params["min_match"] = min_match
        shared = " + ".join(f"CAST(words @@ CAST(:word_{number} AS tsquery) AS int)" for number in range(len(words)))
        where = " AND ".join([*self._where(audiences, {"kind": kinds}, params), f"({shared}) >= :min_match"])
        with self._planned(words=True):
            rows = db.session.execute(
                text(
                    f"SELECT kind, record_id, title, body, date, {RANK} AS score"
                    f" FROM {TABLE}, CAST(:query AS tsquery) AS query"
                    f" WHERE {where} AND words @@ CAST(:query AS tsquery) AND key <> :exclude"
                    " ORDER BY score DESC, date DESC NULLS LAST, key LIMIT :limit"
                ),
                params,
            ).all()
        return [Hit(*row[:5], score=float(row.score)) for row in rows]

    @_reading
    def digests(self) -> dict[str, str]:
        self._ensure(reading=True)
        return {key: digest for key, digest in db.session.execute(text(f"SELECT key, digest FROM {TABLE}"))}
