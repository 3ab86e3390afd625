"""What every page carries: security headers, working on a phone, no asset from the internet."""

import re
from pathlib import Path

from tests.factories import make_open_round, make_suggestion

ROOT = Path(__file__).resolve().parents[2]


def test_every_answer_carries_the_security_headers(client):
    for address in ("/", "/no-such-page", "/static/css/app.css"):
        with client.get(address) as response:
            headers = response.headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'" and csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "geolocation=()" in headers["Permissions-Policy"]


def test_browsers_are_told_to_keep_to_https_only_when_the_site_is_served_over_it(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/").headers
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"


INLINE_SCRIPT = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "a <script> block without src"),
    (re.compile(r"<script\b[^>]*>\s*[^<\s]", re.IGNORECASE), "script text inside <script>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE), "an on… event handler attribute"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "a javascript: address"),
]


def test_no_template_holds_a_script_the_content_security_policy_would_block():
    found = []
    for path in sorted(ROOT.glob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}: {what}" for pattern, what in INLINE_SCRIPT if pattern.search(text)]
    assert not found, "\n".join(found)


def test_pages_are_set_for_phone_screens_and_load_only_local_assets(client, login_as):
    login_as("office")
    for url in ["/", "/rounds", "/admin/users", "/audit"]:
        page = client.get(url).get_data(as_text=True)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        for asset in re.findall(r'(?:src|href)="([^"]+\.(?:css|js|woff2?|ttf))"', page):
            assert asset.startswith("/static/"), asset
            with client.get(asset) as response:
                assert response.status_code == 200


def test_no_template_script_or_stylesheet_comes_from_another_host():
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/**/*.css"), *ROOT.glob("static/**/*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", text), path
        assert " style=" not in text, f"inline style in {path}"


def test_form_fields_have_labels(client, login_as):
    login_as("office")
    page = client.get("/admin/users/new").get_data(as_text=True)
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        if field_id != "csrf_token":
            assert f'for="{field_id}"' in page, field_id


def test_a_query_argument_cannot_break_the_export_links(client, login_as):
    from tests.factories import make_round

    login_as("office")
    round = make_round()
    response = client.get(f"/rounds/{round.id}/proposals?round_id=9&_external=1")
    assert response.status_code == 200
    assert f'href="/rounds/{round.id}/proposals?export=xlsx' in response.get_data(as_text=True)


def test_pages_for_a_logged_in_user_and_every_export_are_never_kept_by_the_browser(client, login_as):
    suggestion = make_suggestion()
    assert client.get("/heard").headers["Cache-Control"] == "private"  # the reader's browser may keep it, no proxy
    login_as("office")
    answers = [
        client.get("/"),
        client.get(f"/suggestions/{suggestion.id}"),
        client.post(f"/suggestions/{suggestion.id}/reveal"),
        client.get(f"/rounds/{suggestion.round_id}/suggestions?export=csv"),
        client.post(f"/rounds/{suggestion.round_id}/suggestions/export-contacts"),
    ]
    assert [response.headers.get("Cache-Control") for response in answers] == ["no-store"] * len(answers)
    with client.get("/static/css/app.css") as response:
        assert response.headers.get("Cache-Control") != "no-store"  # the site's own files still are


def test_a_refused_suggestion_showing_back_the_contacts_typed_is_never_kept_by_the_browser(client):
    make_open_round()
    response = client.post("/suggest", data={"title": "", "contact_name": "陈大爷", "contact_phone": "13700001111"})
    assert response.status_code == 400 and 'value="13700001111"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
