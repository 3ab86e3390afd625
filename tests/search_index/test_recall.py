"""Chinese recall: a query finds every document whose text holds it, however either was segmented, and the
documents holding it as whole words come first — on every backend, over the relevance set's queries."""

from datetime import datetime, timedelta

import pytest

from demo.relevance import demo_texts, generated_texts, outcomes
from search_index import queries, services
from search_index.backend import SearchRequest
from search_index.documents import OFFICE, Document
from tests.factories import make_suggestion, make_user

GENERATED = 500  # documents of the generated set: enough for every query to match dozens
ROUNDS = {"demo": 1, "generated": 2}  # each corpus its round, to filter by
FIRST = 100_000  # a corpus's documents are numbered from its round times this


def index(corpora: dict[str, list[tuple[str, str]]]) -> None:
    """Each corpus's texts as the office's documents of its round, in one rebuild (faster than updates)."""
    start = datetime(2024, 1, 1)
    with services.backend().rebuilding() as add:
        for corpus, texts in corpora.items():
            add(
                [
                    Document(kind="suggestion", record_id=ROUNDS[corpus] * FIRST + number, title=title, body=body,
                             round_id=ROUNDS[corpus], audiences=[OFFICE], date=start + timedelta(minutes=number))
                    for number, (title, body) in enumerate(texts)
                ]
            )  # fmt: skip


def found(corpus: str, query: str, size: int = 1000) -> list[int]:
    """The numbers of the corpus's texts the office finds for `query`, best first."""
    terms = queries.parse(query, services.current_segmenter())
    filters = {"round_id": [str(ROUNDS[corpus])]}
    hits = services.backend().search(SearchRequest(terms=terms, audiences=[OFFICE], filters=filters, per_page=size))
    return [hit.record_id % FIRST for hit in hits.hits]


def test_every_query_finds_every_document_holding_it_and_ranks_the_expected_first(search):
    corpora = {"demo": demo_texts(), "generated": generated_texts(GENERATED)}
    index(corpora)
    asked = outcomes(found, corpora)
    assert len(asked) >= 50
    assert [(o.corpus, o.query) for o in asked if not o.holding or o.missed] == []  # recall 1.0
    # The demo's queries name what must come first: the texts having the query's words whole and in order.
    assert [o.query for o in asked if o.corpus == "demo" and o.first_rank not in (None, 1)] == []
    assert [o.query for o in asked if not o.expected_as_listed] == []


def test_a_whole_word_ranks_before_the_same_characters_cut_otherwise_even_in_a_title(search):
    with services.backend().writing():
        services.backend().update(
            [
                Document(kind="suggestion", record_id=1, title="政务服务中心周六开放", body="上班族工作日无法办事。",
                         round_id=1, audiences=[OFFICE], date=datetime(2024, 1, 2)),
                Document(kind="suggestion", record_id=2, title="办事流程太长", body="建议优化政务服务流程。",
                         round_id=1, audiences=[OFFICE], date=datetime(2024, 1, 1)),
            ]
        )  # fmt: skip
    assert found("demo", "政务服务") == [2, 1]
    assert found("demo", "服务中心周六") == [1]


@pytest.mark.parametrize("query", ["政务服务", "通办"])
def test_a_resident_finds_a_term_cut_otherwise_in_the_text_and_sees_it_marked(search, query):
    office = make_user(role="office")
    make_suggestion(title="政务服务中心周六开放", content="建议一网通办的事项也能在周六办理。")
    search.apply()
    results, shown = queries.search(user=office, text=query)
    assert results.total == 1
    assert f"<mark>{query}</mark>" in str(shown[0].title) + str(shown[0].snippet)
