"""The public pages' shared copies (core/page_cache.py): one page for every anonymous reader, yet each reader's
own CSRF token, nobody else's name or message, and a change made here shown at once."""

import re
import time

from sqlalchemy import update

from extensions import db
from solicitation.models import Round
from solicitation.services import suggestions as services
from tests.factories import SUGGESTION_FORM, make_open_round, make_published_plan, make_suggestion, make_unit, make_user

META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _retitle_behind_the_apps_back(round, title):
    """Change a round as another server process would: in the database, not through this process's session."""
    with db.engine.begin() as connection:
        connection.execute(update(Round).where(Round.id == round.id).values(title=title))


def test_two_residents_share_the_form_page_but_each_sends_it_with_their_own_token(app):
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


def test_a_change_made_by_another_server_shows_once_the_copy_is_older_than_the_setting(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 30)
    round = make_open_round(title="2031年改革计划")
    assert "2031年改革计划" in client.get("/suggest").get_data(as_text=True)
    _retitle_behind_the_apps_back(round, "2031年全面深化改革计划")
    assert "2031年全面深化改革计划" not in client.get("/suggest").get_data(as_text=True)  # the copy, still fresh
    now = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: now() + 31)  # the copy's clock, half a minute on
    assert "2031年全面深化改革计划" in client.get("/suggest").get_data(as_text=True)


def test_with_the_setting_at_zero_every_page_is_drawn_anew(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_PAGE_CACHE_SECONDS", 0)
    round = make_open_round(title="2032年改革计划")
    client.get("/suggest")
    _retitle_behind_the_apps_back(round, "2032年全面深化改革计划")
    assert "2032年全面深化改革计划" in client.get("/suggest").get_data(as_text=True)


def test_a_plan_published_here_is_on_the_public_pages_at_once(client):
    office = make_user(role="office")
    assert "/plans/" not in client.get("/plans").get_data(as_text=True)
    plan = make_published_plan(office=office, lead_unit=make_unit())
    assert f'href="/plans/{plan.id}"' in client.get("/plans").get_data(as_text=True)


def test_staff_logged_in_get_their_own_page_not_the_shared_one(client):
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
    assert "公开的建议" in other.get("/heard").get_data(as_text=True)  # the copy is made
    seconded = client.post(f"/heard/{published.id}/second", follow_redirects=True).get_data(as_text=True)
    assert "感谢" in seconded
    assert "感谢" not in other.get("/heard").get_data(as_text=True)


def test_each_language_has_its_own_copy(app, client):
    make_open_round()
    english = app.test_client()
    english.get("/language/en")
    assert "Send a suggestion" in english.get("/suggest").get_data(as_text=True)
    chinese = client.get("/suggest").get_data(as_text=True)
    assert "提建议" in chinese and "Send a suggestion" not in chinese


def test_a_new_suggestion_keeps_the_copies_and_publishing_one_drops_them(client):
    office = make_user(role="office")
    round = make_open_round(title="2033年改革计划")
    assert "2033年改革计划" in client.get("/heard").get_data(as_text=True)
    _retitle_behind_the_apps_back(round, "2033年全面深化改革计划")
    suggestion = make_suggestion(round=round, title="建议增设社区长者饭堂")  # residents send several a second
    page = client.get("/heard").get_data(as_text=True)
    assert "2033年全面深化改革计划" not in page and "建议增设社区长者饭堂" not in page
    services.set_public(actor=office, suggestion=suggestion, public=True)
    page = client.get("/heard").get_data(as_text=True)
    assert "2033年全面深化改革计划" in page and "建议增设社区长者饭堂" in page
