"""Searching: a reader's words into a request for the backend, and its hits into highlighted snippets."""

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import func, select

from core.models import utcnow
from core.segmentation import Segmenter
from extensions import db
from search_index.analysis import RUN, pair_runs
from search_index.backend import FACETS, ORDERS, Hit, IndexUnreadable, QueryTerm, Results, SearchRequest
from search_index.documents import audiences_of, urls_of
from search_index.errors import SearchError
from search_index.models import SearchQueue
from search_index.services import ask_for_rebuild, backend, current_segmenter
from solicitation.models import Round

log = logging.getLogger(__name__)
MAX_QUERY = 200
SNIPPET = 90  # characters of body around the best match
# Words nearly every suggestion or proposal uses: sharing them says nothing about being alike.
COMMON_WORDS = frozenset(
    re.findall(
        r"\S+",
        "建议 希望 问题 进行 加强 推进 推动 工作 部门 相关 群众 居民 市民 提高 提升 完善 解决 实现 建立 开展 目前 现在 "
        "情况 方面 需要 要求 有关 以及 我们 他们 没有 可以 应该 进一步 改革 创新 探索 机制 服务 管理",
    )
)
PHRASE = re.compile(r"[\"“”]([^\"“”]*)[\"“”]")


@dataclass
class Found:
    """A hit as a page shows it: its title and snippet with the matched words marked."""

    hit: Hit
    title: Markup
    snippet: Markup


def parse(text: str, segmenter: Segmenter) -> list[QueryTerm]:
    """The terms of a query: each "quoted" or “quoted” run a phrase, each run between spaces a term of its own.

    Every term must match: by its words (anywhere; a phrase's in order) or, whatever the segmentation, by the
    text holding it as typed.
    """
    text = text.strip()
    if len(text) > MAX_QUERY:
        raise SearchError("query_too_long", field="q")
    if (text.count('"') + text.count("“") + text.count("”")) % 2:
        raise SearchError("unbalanced_quotes", field="q")
    runs = [(run, True) for run in PHRASE.findall(text)] + [(run, False) for run in PHRASE.sub(" ", text).split()]
    terms = {}
    for run, quoted in runs:
        words = [word for word, *_ in segmenter.words(run)]
        if words:  # a quoted single word is just a word
            terms.setdefault(run, QueryTerm(words=words, pairs=pair_runs(run), phrase=quoted and len(words) > 1))
    return list(terms.values())


def marker(words: set[str]) -> re.Pattern:
    """What marks the words in a text: any of them, the longest first where several start at one place.

    Read in the text as typed, not segmented again: a hit's text is only shown, and segmenting twenty of
    them cost more than the search. So 人民 is marked inside 中华人民共和国, as the index finds it there.
    """
    alternatives = sorted(words, key=len, reverse=True) or ["(?!)"]
    return re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)


def highlight(text: str, marks: re.Pattern, *, width: int | None = None) -> Markup:
    """`text` with the words of the query marked; with `width`, the stretch of that size with most matches."""
    spans = _joined([match.span() for match in marks.finditer(text)])
    begin, finish = 0, len(text)
    if width is not None and len(text) > width:
        begin = _best_window(spans, width, len(text))
        finish = begin + width
    parts, cursor = [], begin
    for start, end in spans:
        if start < begin or end > finish:
            continue
        parts += [escape(text[cursor:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        cursor = end
    parts.append(escape(text[cursor:finish]))
    prefix = "…" if begin > 0 else ""
    suffix = "…" if finish < len(text) else ""
    return Markup(prefix) + Markup("").join(parts) + Markup(suffix)


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Neighbouring matches as one: 智慧 and 停车 side by side read as one mark."""
    kept = []
    for start, end in spans:
        if kept and start == kept[-1][1]:
            kept[-1] = (kept[-1][0], end)
        else:
            kept.append((start, end))
    return kept


def _best_window(spans, width, length) -> int:
    """Where a window of `width` characters covers the most matches (starting a little before the first)."""
    best, best_count = 0, -1
    for start, _end in spans:
        begin = max(0, min(start - width // 4, length - width))
        count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
        if count > best_count:
            best, best_count = begin, count
    return best


def search(
    *,
    user,
    text: str,
    filters: dict[str, list[str]] | None = None,
    order: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    kinds: tuple[str, ...] = (),
) -> tuple[Results, list[Found]]:
    """What `user` may find for `text`, filtered in the backend's query itself, with marked snippets."""
    segmenter = current_segmenter()
    terms = parse(text, segmenter)
    filters = {name: values for name, values in (filters or {}).items() if name in FACETS and values}
    if kinds:
        filters["kind"] = [kind for kind in filters.get("kind", kinds) if kind in kinds]
    request = SearchRequest(
        terms=terms,
        audiences=audiences_of(user),
        filters=filters,
        order=order if order in ORDERS else "relevance",
        page=max(page, 1),
        per_page=per_page,
    )
    results = _read(backend().search, request)
    # The runs as typed too: 政务服务 is marked in 政务服务中心, where the index found it.
    marks = marker({*request.every_word, *(run for run in RUN.findall(text.lower()) if len(run) > 1)})
    found = [Found(hit, highlight(hit.title, marks), highlight(hit.body, marks, width=SNIPPET)) for hit in results.hits]
    return results, found


def round_suggestion_matches(
    *,
    user,
    text: str,
    round_id: int,
    status: str | None,
    channel: str | None,
    category: str | None,
    page: int,
    per_page: int,
) -> Results:
    """The office list's search box: a round's suggestions matching `text` as /search finds them (the same
    segmentation and index), newest first, a page of them, counted up to the index's cap."""
    filters = {"round_id": [str(round_id)], "status": [status], "channel": [channel], "category": [category]}
    results, _found = search(
        user=user,
        text=text,
        filters={name: values for name, values in filters.items() if values != [None]},
        order="newest",
        page=page,
        per_page=per_page,
        kinds=("suggestion",),
    )
    return results


def similar(*, user, text: str, kinds: list[str], exclude: str = "", limit: int = 5) -> list[Hit]:
    """The documents closest to `text` that `user` may find: the duplicates to mark, the links to make."""
    segmenter = current_segmenter()
    words = [word for word, *_ in segmenter.words(text) if len(word) > 1 and word not in COMMON_WORDS]
    # The longer words say most about a text; a long text keeps its 30 longest.
    words = sorted(dict.fromkeys(words), key=len, reverse=True)[:30]
    # A word or two in common makes nothing similar: ask for about a third of the text's words.
    min_match = min(max(round(len(words) * 0.35), 1), 6)
    return _read(
        backend().similar,
        words,
        audiences=audiences_of(user),
        kinds=kinds,
        exclude=exclude,
        limit=limit,
        min_match=min_match,
    )


def _read(read, *args, **kwargs):
    """A read of the index; one that cannot be read is refused (the page says search is being rebuilt), and
    the worker is asked to rebuild it."""
    try:
        return read(*args, **kwargs)
    except IndexUnreadable:
        log.exception("the search index cannot be read: a rebuild is queued")
        ask_for_rebuild()
        raise SearchError("index_rebuilding") from None


def similar_to_suggestion(suggestion, user) -> list[tuple[Hit, str]] | None:
    """For the office triaging a suggestion: the closest suggestions (to mark a duplicate) and proposals (to
    link), of any round, with where each leads; None while the index is being rebuilt."""
    try:
        hits = similar(
            user=user,
            text=f"{suggestion.title}\n{suggestion.content}",
            kinds=["suggestion", "proposal"],
            exclude=f"suggestion:{suggestion.id}",
            limit=8,
        )
    except SearchError:
        return None
    return list(zip(hits, urls_of(hits, reader=user), strict=True))


def round_titles(ids: set[int]) -> dict[int, str]:
    """The titles of the rounds a page of results names (its facet labels), in one query."""
    if not ids:
        return {}
    return dict(db.session.execute(select(Round.id, Round.title).where(Round.id.in_(ids))).all())


# The queue of changes ------------------------------------------------------------------------------------

FAILED_SHOWN = 20  # of the changes that could not be applied, how many `search status` and the office's page list


def queue_backlog() -> dict:
    """The changes waiting to be applied and those that could not be, and since when the oldest waiting waits."""
    counted, waiting = func.count(SearchQueue.id), SearchQueue.failed_at.is_(None)
    row = db.session.execute(
        select(
            counted.filter(waiting),
            counted.filter(SearchQueue.failed_at.is_not(None)),
            func.min(SearchQueue.queued_at).filter(waiting),
        )
    ).one()
    return {"waiting": row[0], "failed": row[1], "oldest_at": row[2]}


def age_of(oldest: datetime | None) -> float:
    """How many seconds ago `oldest` was (0 for nothing waiting)."""
    return max((utcnow() - oldest).total_seconds(), 0.0) if oldest else 0.0


def queue_stale(age_seconds: float) -> bool:
    """Whether a change has waited so long that no worker seems to apply the queue (/health then fails)."""
    return age_seconds > current_app.config["SEARCH_QUEUE_MAX_AGE_SECONDS"]


def failed_changes(*, limit: int | None = None) -> list[SearchQueue]:
    """The queued changes that could not be applied, with why, oldest first."""
    failed = select(SearchQueue).where(SearchQueue.failed_at.is_not(None)).order_by(SearchQueue.id)
    return list(db.session.scalars(failed.limit(limit)))


def search_backlog() -> dict:
    """The queue as the office's page of background work shows it: what waits and since when, whether it is stale,
    and the first failed changes with why."""
    backlog = queue_backlog()
    stale = queue_stale(age_of(backlog["oldest_at"]))
    return backlog | {"stale": stale, "failed_changes": failed_changes(limit=FAILED_SHOWN)}
