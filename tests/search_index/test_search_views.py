"""The search page, the dictionary page, similar items while triaging and while writing, and the API."""

import io

import pytest
from openpyxl import load_workbook

from accounts import services as accounts
from search_index import services
from solicitation.services import suggestions
from tests.conftest import statements_run
from tests.factories import make_open_round, make_proposal, make_published_plan, make_suggestion, make_unit, make_user


def published(office, **fields):
    suggestion = suggestions.accept_suggestion(actor=office, suggestion=make_suggestion(**fields))
    return suggestions.set_public(actor=office, suggestion=suggestion, public=True)


def test_the_public_page_finds_published_suggestions_with_marked_words_and_facets(client, search):
    office = make_user(role="office")
    published(office, title="建议增设社区食堂", content="老人吃饭难，建议每个社区办长者食堂。")
    make_suggestion(title="社区食堂价格太高")  # not published
    search.apply()
    page = client.get("/search?q=社区食堂").get_data(as_text=True)
    assert "建议增设<mark>社区食堂</mark>" in page and "价格太高" not in page
    assert "kind=suggestion" in page  # the facet link that narrows to suggestions
    assert "export=xlsx" not in page  # the public does not export


def test_an_empty_or_malformed_query_gets_a_clear_message(client, search):
    empty = client.get("/search?q=")
    assert empty.status_code == 200 and 'role="alert"' in empty.get_data(as_text=True)
    malformed = client.get('/search?q="社区').get_data(as_text=True)
    assert 'role="alert"' in malformed
    assert client.get("/search").status_code == 200  # the bare page just asks


def test_staff_search_their_records_and_export_the_results(client, search, login_as):
    login_as("office")
    round = make_open_round()
    make_proposal(round=round, submit=True, title="推进垃圾分类")
    make_suggestion(round=round, title="垃圾分类投放点太远")
    search.apply()
    page = client.get("/search?q=垃圾分类&kind=proposal").get_data(as_text=True)
    assert "推进<mark>垃圾分类</mark>" in page and "投放点" not in page
    sheet = load_workbook(io.BytesIO(client.get("/search?q=垃圾分类&export=xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "搜索结果" and "关键词：垃圾分类" in rows[1][0]
    assert {row[1] for row in rows[3:-1]} == {"推进垃圾分类", "垃圾分类投放点太远"}


def test_the_office_sees_similar_suggestions_and_proposals_while_triaging(client, search, login_as):
    login_as("office")
    round = make_open_round()
    first = make_suggestion(round=round, title="老旧小区加装电梯难", content="老旧小区加装电梯审批难、协调难。")
    second = make_suggestion(round=round, title="加装电梯协调难", content="老旧小区加装电梯邻里协调难。")
    make_proposal(round=round, submit=True, title="推进老旧小区加装电梯", content="简化加装电梯审批。")
    make_suggestion(round=round, title="公交站台没有遮雨棚", content="雨天等车淋雨。")
    search.apply()
    page = client.get(f"/suggestions/{second.id}").get_data(as_text=True)
    similar = page[page.index('id="similar"') :]
    assert first.title in similar and "推进老旧小区加装电梯" in similar and "遮雨棚" not in similar
    assert f'name="original" value="{first.id}"' in similar  # one click marks the duplicate


def test_a_resident_writing_sees_similar_published_suggestions_only(client, search):
    office = make_user(role="office")
    published(office, title="增加夜间公交班次", content="晚上十点后公交太少。")
    make_suggestion(title="夜间公交班次太少")  # not published: never shown to another resident
    search.apply()
    found = client.get("/search/similar?text=夜间公交").get_json()
    assert [item["title"] for item in found] == ["增加夜间公交班次"]
    assert client.get("/search/similar?text=").get_json() == []


def test_the_api_searches_what_a_token_may_see(client, search):
    office = make_user(role="office")
    published(office, title="推广智慧停车", content="停车难。")
    make_suggestion(title="智慧停车收费乱")
    search.apply()
    public = client.get("/api/v1/search?q=智慧停车").get_json()
    assert public["total"] == 1 and public["items"][0]["title"] == "推广智慧停车"
    assert "<mark>智慧停车</mark>" in public["items"][0]["title_html"]
    token = accounts.create_api_token(actor=office, user=office, name="test")
    private = client.get("/api/v1/search?q=智慧停车", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert private["total"] == 2 and private["facets"]["kind"] == {"suggestion": 2}
    assert client.get("/api/v1/search").status_code == 422


def test_the_office_edits_the_dictionary_from_its_page(client, search, login_as):
    login_as("office")
    assert client.post("/search/terms", data={"added": "秒批秒办\n"}).status_code == 302
    assert "秒批秒办" in services.domain_terms()
    assert "秒批秒办" in client.get("/search/terms").get_data(as_text=True)
    login_as("unit_staff")
    assert client.get("/search/terms").status_code == 403


def test_a_term_the_dictionary_refuses_is_marked_on_the_field_it_was_typed_in(client, search, login_as):
    login_as("office")
    refused = client.post("/search/terms", data={"added": "x" * 51})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert (
        '<div class="error" id="added-error" role="alert"><p>每个词条为一个词，不超过 50 个字，不含空格。</p>' in page
    )
    assert "x" * 51 not in services.domain_terms()


def test_the_public_search_reads_its_hits_records_in_queries_that_do_not_grow_with_the_hits(client, search):
    office, unit = make_user(role="office"), make_unit(name="区城管局")
    make_published_plan(office=office, lead_unit=unit, title="推进网格管理标准化")
    search.apply()
    one = statements_run(lambda: client.get("/search?q=网格"))
    for title in ("深化网格化服务管理", "网格员队伍建设改革", "网格治理数字化"):
        make_published_plan(office=office, lead_unit=unit, title=title)  # each in its own round: a facet more
    search.apply()
    page = client.get("/search?q=网格").get_data(as_text=True)
    assert page.count('class="result"') == 4 and "/plans/" in page
    assert statements_run(lambda: client.get("/search?q=网格")) == one


@pytest.mark.parametrize("reader", ["resident", "office"])
def test_search_reads_every_kind_of_hit_in_statements_that_do_not_grow_with_the_hits(app, client, search, reader):
    office, unit, round = make_user(role="office"), make_unit(), make_open_round()
    if reader == "office":
        client.login(office)
    titles = []

    def statements_with(total):
        """Make suggestions, proposals and published plans up to `total` of each, and count a search of them."""
        while len(titles) < total:
            number = len(titles)
            titles.append(f"网格治理建议{number}")
            published(office, round=round, title=titles[-1])
            make_proposal(round=round, submit=True, title=f"网格治理改革{number}")
            make_published_plan(office=office, lead_unit=unit, title=f"网格治理项目{number}")
        search.apply()
        page = client.get("/search?q=网格治理").get_data(as_text=True)
        kinds = 3 if reader == "office" else 2  # the office finds the proposals too
        assert page.count('class="result"') == kinds * total
        return statements_run(lambda: client.get("/search?q=网格治理"))

    assert statements_with(2) == statements_with(6)
