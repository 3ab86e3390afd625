"""What every page carries: security headers, working on a phone, no asset from the internet."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_answer_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


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
        assert "<script>" not in text and " style=" not in text, f"inline script or style in {path}"


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
