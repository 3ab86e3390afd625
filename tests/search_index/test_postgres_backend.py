"""The PostgreSQL backend's own ways: its table, its literals, its ranking and its write lock."""

from datetime import datetime

import pytest
from sqlalchemy import text

from extensions import db
from search_index import services
from search_index.backend import SearchRequest
from search_index.documents import OFFICE, PUBLIC, Document
from search_index.postgres_backend import TABLE, WRITE_LOCK, PostgresBackend, quoted, vector
from tests.conftest import TEST_DATABASE_URL

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
    fields = {"round_id": 1, "audiences": [OFFICE], "date": datetime(2024, 1, record_id), **fields}
    return Document(kind="suggestion", record_id=record_id, title=title, body=body, **fields)


def ask(backend, *words, phrases=(), audiences=(OFFICE,), **fields):
    request = SearchRequest(words=list(words), phrases=list(phrases), audiences=list(audiences), **fields)
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
