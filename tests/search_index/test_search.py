"""Searching: phrases, marked snippets, who finds what, facets, order — on every backend."""

import pytest
from flask_login import AnonymousUserMixin

from extensions import db
from search_index import queries
from search_index.errors import SearchError
from solicitation.services import suggestions
from tests.factories import make_open_round, make_proposal, make_suggestion, make_unit, make_user

ANONYMOUS = AnonymousUserMixin()


def titles(user, text, **kwargs):
    results, found = queries.search(user=user, text=text, **kwargs)
    return {item.hit.title for item in found}


def test_a_phrase_matches_its_words_in_order_and_plain_words_match_anywhere(search):
    office = make_user(role="office")
    round = make_open_round()
    make_proposal(round=round, submit=True, title="推进家庭医生签约服务", content="提升签约率。")
    make_proposal(round=round, submit=True, title="医生下沉社区", content="每个家庭都有签约医生。")
    search.apply()
    assert titles(office, '"家庭医生签约"') == {"推进家庭医生签约服务"}
    assert titles(office, "“家庭医生签约”") == {"推进家庭医生签约服务"}  # Chinese quotes too
    assert titles(office, "签约 医生") == {"推进家庭医生签约服务", "医生下沉社区"}


def test_a_part_of_a_long_word_finds_the_whole_and_is_marked(search):
    office = make_user(role="office")
    make_proposal(submit=True, title="深化“放管服”改革", content="对标中华人民共和国行政许可法，精简审批。")
    search.apply()
    results, found = queries.search(user=office, text="人民")
    assert results.total == 1
    assert "中华<mark>人民</mark>共和国" in found[0].snippet  # the part asked for is marked
    results, found = queries.search(user=office, text="放管服")
    assert str(found[0].title) == "深化“<mark>放管服</mark>”改革"


def test_mixed_numbers_and_chinese_are_found_as_typed(search):
    office = make_user(role="office")
    make_suggestion(title="12345热线回复太慢", content="拨打12345热线后三天无人回复，5G信号也差。")
    search.apply()
    assert titles(office, '"12345热线"') == {"12345热线回复太慢"}
    assert titles(office, "5G") == {"12345热线回复太慢"}
    assert titles(office, "热线") == {"12345热线回复太慢"}


def test_contact_details_are_never_indexed(search):
    office = make_user(role="office")
    make_suggestion(title="路灯不亮", content="龙城大道路灯坏了。", contact_name="王芳", contact_phone="13812345678")
    search.apply()
    assert titles(office, "路灯") == {"路灯不亮"}
    assert titles(office, "13812345678") == set() and titles(office, "王芳") == set()


def test_each_reader_finds_only_what_they_may_see(search):
    office, leader = make_user(role="office"), make_user(role="leader")
    round = make_open_round()
    mine, theirs = make_unit(), make_unit()
    staff = make_user(role="unit_staff", unit=mine)
    make_proposal(round=round, author=staff, title="试点智慧停车改革")  # a draft: the unit's alone
    make_proposal(round=round, author=make_user(role="unit_staff", unit=theirs), submit=True, title="推进智慧停车收费")
    shown = suggestions.set_public(
        actor=office,
        suggestion=suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(title="智慧停车难找车位")),
        public=True,
    )
    make_suggestion(title="智慧停车收费不透明")  # not published
    search.apply()
    assert titles(office, "智慧停车") == {"推进智慧停车收费", shown.title, "智慧停车收费不透明"}
    assert titles(staff, "智慧停车") == {"试点智慧停车改革", shown.title}
    assert titles(leader, "智慧停车") == {shown.title}
    assert titles(ANONYMOUS, "智慧停车") == {shown.title}
    results, _found = queries.search(user=ANONYMOUS, text="智慧停车")
    assert results.total == 1 and dict(results.facets["kind"]) == {"suggestion": 1}  # counts of what one may see


def test_facets_count_and_filter_and_newest_comes_first_when_asked(search):
    office = make_user(role="office")
    round = make_open_round(categories=("经济发展", "民生事业"))
    economy, livelihood = round.categories
    make_proposal(round=round, submit=True, title="优化营商环境一号", category_id=economy.id)
    make_proposal(round=round, submit=True, title="优化营商环境二号", category_id=economy.id)
    make_suggestion(round=round, title="营商环境还要优化", category_id=livelihood.id)
    search.apply()
    results, _found = queries.search(user=office, text="营商环境")
    assert results.total == 3
    assert dict(results.facets["kind"]) == {"proposal": 2, "suggestion": 1}
    assert dict(results.facets["category"]) == {"经济发展": 2, "民生事业": 1}
    narrowed = titles(office, "营商环境", filters={"kind": ["proposal"]})
    assert narrowed == {"优化营商环境一号", "优化营商环境二号"}
    results, found = queries.search(user=office, text="营商环境", order="newest")
    dates = [item.hit.date for item in found]
    assert dates == sorted(dates, reverse=True)


def test_results_come_in_pages_with_the_total(search):
    office = make_user(role="office")
    round = make_open_round()
    for number in range(25):
        make_suggestion(round=round, title=f"社区治理建议{number}号")
    search.apply()
    first, found = queries.search(user=office, text="社区治理", per_page=20)
    second, more = queries.search(user=office, text="社区治理", per_page=20, page=2)
    assert first.total == second.total == 25
    assert len(found) == 20 and len(more) == 5
    assert not {item.hit.key for item in found} & {item.hit.key for item in more}


def test_a_malformed_or_overlong_query_is_refused_with_a_reason(search):
    office = make_user(role="office")
    with pytest.raises(SearchError, match="unbalanced_quotes"):
        queries.search(user=office, text='"营商环境')
    with pytest.raises(SearchError, match="query_too_long"):
        queries.search(user=office, text="改革" * 101)


def test_the_proposing_unit_is_a_facet_and_a_filter(search):
    office = make_user(role="office")
    round = make_open_round()
    pinghu, longcheng = make_unit(name="平湖街道"), make_unit(name="龙城街道")
    for unit, count in ((pinghu, 2), (longcheng, 1)):
        staff = make_user(role="unit_staff", unit=unit)
        for number in range(count):
            make_proposal(round=round, author=staff, submit=True, title=f"{unit.name}垃圾分类试点{number}")
    search.apply()
    results, _found = queries.search(user=office, text="垃圾分类")
    assert dict(results.facets["unit"]) == {"平湖街道": 2, "龙城街道": 1}
    assert titles(office, "垃圾分类", filters={"unit": ["龙城街道"]}) == {"龙城街道垃圾分类试点0"}


def test_a_changed_record_is_counted_once_and_the_deleted_one_not_at_all(search):
    office = make_user(role="office")
    round = make_open_round()
    kept = make_suggestion(round=round, title="增设公交线路")
    gone = make_suggestion(round=round, title="公交站台太窄")
    search.apply()
    for number in range(3):  # each change replaces the document in the index
        kept.title = f"增设公交线路（第{number}次修改）"
        db.session.commit()
        search.apply()
    db.session.delete(gone)
    db.session.commit()
    search.apply()
    results, found = queries.search(user=office, text="公交")
    assert results.total == 1 and dict(results.facets["kind"]) == {"suggestion": 1}
    assert [str(item.hit.title) for item in found] == ["增设公交线路（第2次修改）"]
    assert queries.search(user=office, text="公交", order="newest")[0].total == 1
