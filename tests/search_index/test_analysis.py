"""The segmenter: ordinal positions, sub-words at their parent's place, mixed scripts, domain terms kept whole."""

from core.segmentation import Segmenter, shipped_terms
from search_index.analysis import chinese_analyzer


def test_each_word_has_its_ordinal_position_and_its_characters():
    tokens = chinese_analyzer()("推进家庭医生签约", positions=True, chars=True, mode="query")
    assert [(t.text, t.pos, t.startchar, t.endchar) for t in tokens] == [  # Whoosh reuses one token
        ("推进", 0, 0, 2),
        ("家庭医生", 1, 2, 6),
        ("签约", 2, 6, 8),
    ]


def test_sub_words_are_indexed_at_their_parents_place_and_left_out_of_queries():
    indexed = [(t.text, t.pos) for t in chinese_analyzer()("中华人民共和国成立", positions=True, mode="index")]
    assert ("中华人民共和国", 0) in indexed and ("人民", 0) in indexed and ("共和国", 0) in indexed
    assert ("成立", 1) in indexed
    queried = [t.text for t in chinese_analyzer()("中华人民共和国成立", mode="query")]
    assert queried == ["中华人民共和国", "成立"]


def test_numbers_latin_words_and_percentages_are_words_and_punctuation_is_not():
    words = [word for word, *_ in Segmenter().words("5G基站覆盖率达30%，Smart City！")]
    assert words == ["5g", "基站", "覆盖率", "达", "30%", "smart", "city"]


def test_domain_terms_are_never_split():
    plain, domain = Segmenter(), Segmenter(["营商环境", "百千万工程"])
    assert "营商环境" not in [w for w, *_ in plain.words("优化营商环境，实施百千万工程")]
    assert [w for w, *_ in domain.words("优化营商环境，实施百千万工程")] == ["优化", "营商环境", "实施", "百千万工程"]


def test_the_shipped_dictionary_holds_the_reform_terms():
    assert {"营商环境", "一网通办", "家庭医生", "百千万工程", "放管服"} <= set(shipped_terms())
