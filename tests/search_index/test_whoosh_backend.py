"""The Whoosh backend's own ways: its sets of document numbers and an index of an older layout."""

from datetime import datetime

from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from search_index.backend import QueryTerm, SearchRequest
from search_index.bitsets import LRU, bitset, lookup, members
from search_index.documents import OFFICE, Document
from search_index.whoosh_backend import WhooshBackend


def test_a_set_of_document_numbers_keeps_exactly_its_members():
    numbers = [0, 3, 7, 8, 64, 99_999]
    bits = bitset(numbers, 100_000)
    assert members(bits) == numbers and bits.bit_count() == 6
    test = lookup(bits, 100_000)
    assert [n for n in range(100_000) if test[n >> 3] >> (n & 7) & 1] == numbers
    assert members(bitset([], 10)) == [] and members(bits & bitset([3, 4, 99_999], 100_000)) == [3, 99_999]


def test_an_index_of_an_older_layout_is_made_anew_and_then_takes_documents(tmp_path):
    old = index.create_in(tmp_path, Schema(key=ID(unique=True, stored=True), content=TEXT))
    writer = old.writer()
    writer.add_document(key="suggestion:1", content="old")
    writer.commit()
    backend = WhooshBackend(tmp_path)
    assert backend.digests() == {}
    doc = Document(kind="suggestion", record_id=2, title="加装电梯", body="", round_id=1, audiences=[OFFICE],
                   date=datetime(2024, 1, 1))  # fmt: skip
    with backend.writing():
        backend.update([doc])
    found = backend.search(SearchRequest(terms=[QueryTerm(words=["电梯"])], audiences=[OFFICE]))
    assert [hit.key for hit in found.hits] == ["suggestion:2"] and found.total == 1


def test_the_kept_sets_forget_the_least_recently_used_past_their_capacity():
    kept = LRU(100, weigh=len)
    made = []

    def make(key, size):
        return lambda: made.append(key) or "x" * size

    kept.get("a", make("a", 60))
    kept.get("b", make("b", 30))
    kept.get("a", make("a", 60))  # used again: "b" is now the oldest
    kept.get("c", make("c", 30))  # 120 > 100: "b" goes
    kept.get("a", make("a", 60))
    kept.get("b", make("b", 30))
    assert made == ["a", "b", "c", "b"]
