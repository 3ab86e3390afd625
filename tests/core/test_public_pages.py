"""The public pages (home, 征集情况, the plans, a plan, the suggestion form) as readers who are not logged in get
them: each drawn for its reader, with their own CSRF token, language and messages, showing what the database
holds now; no shared cache may hand one reader's page to another."""

import re

import pytest
from sqlalchemy import update

from extensions import db
from solicitation.models import Round
from solicitation.services import suggestions as services
from tests.conftest import statements_run
from tests.factories import SUGGESTION_FORM, make_open_round, make_published_plan, make_suggestion, make_unit, make_user

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _retitle_behind_the_apps_back(round, title):
    """Change a round as another server process would: in the database, not through this process's session."""
    with db.engine.begin() as connection:
        connection.execute(update(Round).where(Round.id == round.id).values(title=title))


def test_two_residents_get_the_same_form_page_each_with_their_own_token(app):
    make_open_round()
    first, second = app.test_client(), app.test_client()
    pages = [reader.get("/suggest").get_data(as_text=True) for reader in (first, second)]
    tokens = [META_TOKEN.search(page).group(1) for page in pages]
    assert [FORM_TOKEN.search(page).group(1) for page in pages] == tokens  # the form's token is the reader's too
    assert tokens[0] != tokens[1]
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    assert second.post("/suggest", data={**SUGGESTION_FORM, "csrf_token": tokens[0]}, csrf=False).status_code == 400
    for reader, token in zip((first, second), tokens, strict=True):
        assert reader.post("/suggest", data={**SUGGESTION_FORM, "csrf_token": token}, csrf=False).status_code == 302


@pytest.mark.parametrize("path", ["/", "/heard", "/plans", "/plans/{plan_id}", "/suggest"])
def test_no_shared_cache_may_keep_a_public_page_holding_the_readers_token(client, path):
    make_open_round()
    plan = make_published_plan(office=make_user(role="office"), lead_unit=make_unit())
    response = client.get(path.format(plan_id=plan.id))
    assert response.status_code == 200 and META_TOKEN.search(response.get_data(as_text=True))
    assert response.headers["Cache-Control"] == "private"  # the reader's browser may keep it, a proxy may not


def test_a_change_made_by_another_server_shows_on_the_next_page(client):
    round = make_open_round(title="2031年改革计划")
    assert "2031年改革计划" in client.get("/suggest").get_data(as_text=True)
    _retitle_behind_the_apps_back(round, "2031年全面深化改革计划")
    assert "2031年全面深化改革计划" in client.get("/suggest").get_data(as_text=True)
    assert "2031年全面深化改革计划" in client.get("/heard").get_data(as_text=True)


def test_a_plan_published_here_is_on_the_public_pages_at_once(client):
    office = make_user(role="office")
    assert "/plans/" not in client.get("/plans").get_data(as_text=True)
    plan = make_published_plan(office=office, lead_unit=make_unit())
    assert f'href="/plans/{plan.id}"' in client.get("/plans").get_data(as_text=True)


def test_staff_logged_in_get_their_own_page(client):
    office = make_user(role="office", display_name="改革办李明")
    assert "改革办李明" not in client.get("/").get_data(as_text=True)
    client.login(office)
    page = client.get("/").get_data(as_text=True)
    assert "改革办李明" in page and 'action="/logout"' in page


def test_a_readers_message_is_theirs_alone(app, client):
    office = make_user(role="office")
    published = make_suggestion(round=make_open_round(), title="公开的建议")
    services.set_public(actor=office, suggestion=published, public=True)
    other = app.test_client()
    assert "公开的建议" in other.get("/heard").get_data(as_text=True)
    seconded = client.post(f"/heard/{published.id}/second", follow_redirects=True).get_data(as_text=True)
    assert "感谢" in seconded
    assert "感谢" not in other.get("/heard").get_data(as_text=True)


def test_each_reader_gets_the_page_in_their_language(app, client):
    make_open_round()
    english = app.test_client()
    english.get("/language/en")
    assert "Send a suggestion" in english.get("/suggest").get_data(as_text=True)
    chinese = client.get("/suggest").get_data(as_text=True)
    assert "提建议" in chinese and "Send a suggestion" not in chinese


def test_a_new_suggestion_counts_on_what_we_heard_at_once_and_shows_once_published(client):
    office = make_user(role="office")
    round = make_open_round()
    assert "建议增设社区长者饭堂" not in client.get("/heard").get_data(as_text=True)
    suggestion = make_suggestion(round=round, title="建议增设社区长者饭堂")
    page = client.get("/heard").get_data(as_text=True)
    assert "建议增设社区长者饭堂" not in page and '<td class="num">1</td>' in page  # counted, not yet shown
    services.set_public(actor=office, suggestion=suggestion, public=True)
    assert "建议增设社区长者饭堂" in client.get("/heard").get_data(as_text=True)


def test_what_we_heard_reads_as_many_queries_for_many_published_suggestions_as_for_one(client):
    office = make_user(role="office")
    round = make_open_round()

    def publish(count):
        for number in range(count):
            category = round.categories[number % len(round.categories)]  # each its own, up to five
            suggestion = make_suggestion(round=round, title=f"建议{number}", category_id=category.id)
            services.set_public(actor=office, suggestion=suggestion, public=True)
        db.session.expire_all()  # the page reads what the database holds, not this test's objects
        return statements_run(lambda: client.get("/heard"))

    assert publish(1) == publish(5)
