"""The PostgreSQL backend's own ways: its table, its literals, its ranking and its write lock."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from accounts import services as accounts
from extensions import db
from search_index import services
from search_index.backend import QueryTerm, SearchRequest
from search_index.documents import OFFICE, PUBLIC, Document
from search_index.postgres_backend import LAYOUT, TABLE, WRITE_LOCK, PostgresBackend, quoted, vector
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_open_round, make_suggestion

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"), reason="needs TEST_DATABASE_URL on PostgreSQL"
)


@pytest.fixture
def backend(app):
    """A clean PostgreSQL index as the app's backend."""
    app.config["SEARCH_BACKEND"] = "postgresql"
    app.extensions.pop("search_backend", None)
    found = services.backend()
    found.clear()
    yield found
    app.config["SEARCH_BACKEND"] = "whoosh"
    app.extensions.pop("search_backend", None)


def document(record_id, title, body="", **fields) -> Document:
    fields = {"round_id": 1, "audiences": [OFFICE], "date": datetime(2024, 1, 1) + timedelta(hours=record_id), **fields}
    return Document(kind="suggestion", record_id=record_id, title=title, body=body, **fields)


def ask(backend, *words, phrases=(), audiences=(OFFICE,), **fields):
    terms = [QueryTerm(words=[word]) for word in words] + [QueryTerm(words=phrase, phrase=True) for phrase in phrases]
    request = SearchRequest(terms=terms, audiences=list(audiences), **fields)
    return backend.search(request)


def test_the_table_is_made_when_missing(app):
    db.session.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    db.session.commit()
    backend = PostgresBackend()
    with backend.writing():
        backend.update([document(1, "老旧小区加装电梯")])
    assert db.session.scalar(text(f"SELECT count(*) FROM {TABLE}")) == 1
    assert ask(backend, "电梯").total == 1
    backend.clear()


def test_a_title_match_ranks_above_a_body_match(backend):
    with backend.writing():
        backend.update([document(1, "背街小巷照明", "建议增设路灯。"), document(2, "增设路灯", "背街小巷太暗。")])
    results = ask(backend, "路灯")
    assert [hit.record_id for hit in results.hits] == [2, 1]
    assert 1 > results.hits[0].score > results.hits[1].score > 0  # normalised, and not all bunched at 1


def test_words_with_signs_are_stored_and_found(backend):
    with backend.writing():
        backend.update([document(1, "5G覆盖率达30%", "c++与node.js课程进校园")])
    assert ask(backend, "30%").total == 1 and ask(backend, "c++", "node.js").total == 1
    assert ask(backend, phrases=[["覆盖率", "达", "30%"]]).total == 1


def test_quotes_and_backslashes_are_doubled_in_literals():
    literal = quoted("don't") + ":1 " + quoted("a\\b") + ":2"
    found = db.session.scalar(text("SELECT tsvector_to_array(CAST(:v AS tsvector))"), {"v": literal})
    assert sorted(found) == ["a\\b", "don't"]


def test_sub_words_sit_at_their_parents_position_with_the_titles_weight():
    literal = vector("中华人民共和国", "成立")
    assert "'中华人民共和国':1A" in literal and "'人民':1A" in literal and "'成立':2B" in literal


def test_a_phrase_needs_its_words_in_order_and_filters_and_audiences_narrow(backend):
    with backend.writing():
        backend.update(
            [
                document(1, "推进家庭医生签约", audiences=[OFFICE, PUBLIC], category="民生事业"),
                document(2, "签约家庭医生", category="民生事业"),
                document(3, "家庭医生签约", category="经济发展"),
            ]
        )
    assert {hit.record_id for hit in ask(backend, phrases=[["家庭医生", "签约"]]).hits} == {1, 3}
    assert [hit.record_id for hit in ask(backend, "签约", audiences=[PUBLIC]).hits] == [1]
    results = ask(backend, "签约", filters={"category": ["民生事业"]}, order="newest")
    assert [hit.record_id for hit in results.hits] == [2, 1] and results.facets["category"] == [("民生事业", 2)]


def test_similar_finds_any_of_the_words_and_leaves_out_the_excluded(backend):
    with backend.writing():
        backend.update([document(1, "公园厕所太少"), document(2, "公园缺少座椅"), document(3, "路灯不亮")])
    ask = {"audiences": [OFFICE], "kinds": ["suggestion"], "limit": 5}
    found = backend.similar(["公园", "座椅"], exclude="suggestion:1", min_match=1, **ask)
    assert [hit.record_id for hit in found] == [2]
    both = backend.similar(["公园", "厕所"], exclude="", min_match=2, **ask)
    assert [hit.record_id for hit in both] == [1]  # 公园缺少座椅 shares one word only


def test_a_batch_holds_the_write_lock_until_it_commits(backend):
    with pytest.raises(RuntimeError):
        backend.update([document(1, "公园厕所太少")])
    with db.engine.connect() as other:
        with backend.writing():
            backend.update([document(1, "公园厕所太少")])
            assert not other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
            other.rollback()
        assert other.scalar(text("SELECT count(*) FROM search_documents")) == 1  # committed with the lock
        assert other.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})


def test_a_search_gives_the_transaction_its_planner_settings_back(backend):
    ask(backend, "路灯")
    backend.similar(["路灯"], audiences=[OFFICE], kinds=[], exclude="", limit=5, min_match=1)
    assert db.session.scalar(text("SHOW enable_seqscan")) == "on"
    assert db.session.scalar(text("SHOW plan_cache_mode")) == "auto"


def test_newest_first_and_browsing_count_up_to_the_cap_then_say_at_least(backend):
    backend.count_cap = 40
    docs = [
        document(
            number,
            "背街小巷路灯太暗",
            category="城市建设" if number % 4 else "民生事业",
        )
        for number in range(1, 321)
    ] + [document(number, "老旧小区加装电梯") for number in range(321, 333)]
    with backend.writing():
        backend.update(docs)

    many = ask(backend, "路灯", order="newest")
    assert many.capped and many.total == 40  # 320: "40+"
    assert [hit.record_id for hit in many.hits] == list(range(320, 300, -1))  # the page itself is exact
    assert many.facets["kind"] == [("suggestion", 40)]
    categories = dict(many.facets["category"])
    assert categories.keys() <= {"城市建设", "民生事业"} and all(0 < n <= 40 for n in categories.values())

    few = ask(backend, "电梯", order="newest")
    assert not few.capped and few.total == 12 and len(few.hits) == 12
    browsed = ask(backend, order="newest", filters={"category": ["民生事业"]})  # no words: 80 by a filter
    assert browsed.capped and browsed.total == 40
    backend.count_cap = 80  # exactly the cap is still an exact count
    browsed = ask(backend, order="newest", filters={"category": ["民生事业"]})
    assert not browsed.capped and browsed.total == 80 and browsed.facets["category"] == [("民生事业", 80)]
    ranked = ask(backend, "路灯")  # best first reads every match to rank it, so its counts are exact
    assert not ranked.capped and ranked.total == 320 and dict(ranked.facets["category"])["民生事业"] == 80


def test_a_documents_vector_holds_its_words_and_nothing_else(backend):
    with backend.writing():
        backend.update([document(1, "老旧小区加装电梯", "建议增设路灯。")])
    stored = db.session.scalar(text(f"SELECT tsvector_to_array(words) FROM {TABLE} WHERE key = 'suggestion:1'"))
    words = db.session.scalar(
        text("SELECT tsvector_to_array(CAST(:v AS tsvector))"), {"v": vector("老旧小区加装电梯", "建议增设路灯。")}
    )
    assert sorted(stored) == sorted(words)


@pytest.mark.parametrize("layout", [None, "layout 2: sample lexemes"])
def test_a_table_of_an_older_layout_is_made_anew(app, layout):
    PostgresBackend().clear()  # the table as this version makes it
    db.session.execute(text(f"COMMENT ON TABLE {TABLE} IS " + ("NULL" if layout is None else f"'{layout}'")))
    db.session.execute(text(f"INSERT INTO {TABLE} (key, kind, record_id, title, body, digest, round_id, category,"
                            " status, unit_kind, unit, channel, audiences, words, pairs)"
                            " VALUES ('suggestion:1', 'suggestion', 1, '路灯', '', '', '1', '', '', '', '', '',"
                            " '{office}', '路灯:1', '路灯')"))  # fmt: skip
    db.session.commit()
    backend = PostgresBackend()
    assert ask(backend, "路灯").total == 0  # empty, to be rebuilt, as the log says
    assert db.session.scalar(text(f"SELECT obj_description(CAST('{TABLE}' AS regclass), 'pg_class')")) == LAYOUT


def test_the_search_page_and_the_api_say_when_the_count_reached_the_cap(client, backend, login_as):
    backend.count_cap = 20
    office = login_as("office")
    round = make_open_round()
    for number in range(21):
        make_suggestion(round=round, title=f"背街小巷路灯太暗（{number}）")
    while services.process_queue():
        pass
    page = client.get("/search?q=路灯&order=newest").get_data(as_text=True)
    assert "20+ 条结果" in page and '<span class="muted">20+</span>' in page  # the kind: 21 suggestions
    pagination = page[page.index('class="pagination"') :]
    assert "第 1 页" in pagination and "共" not in pagination and 'rel="next"' in pagination  # no last page to name
    last = client.get("/search?q=路灯&order=newest&page=2").get_data(as_text=True)
    assert last.count('class="result"') == 1 and 'rel="next"' not in last
    past_the_end = client.get("/search?q=路灯&order=newest&page=99").get_data(as_text=True)
    assert "上一页已是最后一页" in past_the_end and 'rel="prev"' in past_the_end
    client.get("/language/en")
    assert "20+ results" in client.get("/search?q=路灯&order=newest").get_data(as_text=True)
    token = accounts.create_api_token(actor=office, user=office, name="test")
    found = client.get("/api/v1/search?q=路灯&order=newest", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert found["estimated"] is True and found["total"] == 20 and found["facets"]["kind"] == {"suggestion": 20}
    assert len(found["items"]) == 20
