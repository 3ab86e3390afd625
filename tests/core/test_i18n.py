"""Chinese by default, English on request, and a Chinese translation for every message."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from core.views import select_locale
from solicitation.models import SuggestionStatus

ROOT = Path(__file__).resolve().parents[2]


def test_pages_are_in_chinese_by_default(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in page
    assert "工作人员登录" in page and "改革项目征集评审平台" in page


def test_english_can_be_chosen_and_stays_chosen(client):
    response = client.get("/language/en?next=/login")
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Staff login" in page and "工作人员登录" not in page
    client.get("/language/zh_CN")
    assert "工作人员登录" in client.get("/login").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    client.get("/language/fr")
    assert "工作人员登录" in client.get("/login").get_data(as_text=True)


def test_error_pages_speak_both_languages(client):
    assert "页面不存在" in client.get("/no/such/page").get_data(as_text=True)
    client.get("/language/en")
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_office_pages_render_in_english_too(client, login_as):
    login_as("office")
    client.get("/language/en")
    for url, text in [
        ("/admin/users", "New user"),
        ("/admin/units", "New unit"),
        ("/audit", "Audit log"),
        ("/rounds", "New round"),
    ]:
        assert text in client.get(url).get_data(as_text=True)


def test_every_message_of_the_code_has_a_chinese_translation(tmp_path):
    """Extract the messages afresh: a new English string without a Chinese one fails here."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            "--no-location",
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as file:
        wanted = {message.id for message in read_po(file) if message.id}
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as file:
        catalogue = read_po(file)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(str(m) for m in wanted - translated)
    assert not missing, f"untranslated into Chinese: {missing}"


def test_no_message_holds_a_bare_percent_sign():
    """Templates and error messages %-format their text: a lone % (as in "（%）") breaks the page."""
    import re

    with open(ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po", "rb") as file:
        catalog = read_po(file)
    bare = re.compile(r"%(?![(%])")
    offenders = [
        text
        for message in catalog
        for text in (
            *(message.id if isinstance(message.id, tuple) else (message.id,)),
            *(message.string if isinstance(message.string, tuple) else (message.string,)),
        )
        if text and bare.search(text)
    ]
    assert offenders == []


def test_each_language_is_parsed_once_not_on_every_page(app):
    # Parsing a language's name scans babel's whole list of locales; every page asks for it.
    with app.test_request_context("/"):
        first = select_locale()
    with app.test_request_context("/"):
        assert select_locale() is first and first.language == "zh"


def test_a_status_label_is_in_the_readers_language_each_time(app):
    # The labels' lazy texts are made once a class and shared by every request, whatever its language.
    with app.test_request_context("/"):
        assert SuggestionStatus.duplicate.label == "重复建议（已合并）"
        with force_locale("en"):
            assert SuggestionStatus.duplicate.label == "Merged as a duplicate"
        assert SuggestionStatus.duplicate.label == "重复建议（已合并）"
