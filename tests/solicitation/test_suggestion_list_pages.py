"""The office's suggestion list read page by page from where the reader is: next, previous, last, a date."""

import html
import re
from datetime import timedelta

from core import lists
from core.models import utcnow
from extensions import db
from tests.factories import make_open_round, make_suggestion


def link(page: str, rel: str) -> str:
    return html.unescape(re.search(rf'href="([^"]+)" rel="{rel}"', page).group(1))


def titles(page: str, every: list[str]) -> list[str]:
    return sorted((title for title in every if title in page), key=page.index)


def test_the_office_pages_through_a_round_by_keyset_to_the_last_page_and_to_a_date(app, client, login_as, monkeypatch):
    login_as("office")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    round = make_open_round()
    sent = [make_suggestion(round=round, title=f"第{number}条建议") for number in range(5)]
    every = [suggestion.title for suggestion in sent]
    for old, days in ((sent[0], 12), (sent[1], 10)):  # two sent in earlier days
        old.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    listed = f"/rounds/{round.id}/suggestions"

    first = client.get(listed).get_data(as_text=True)
    assert titles(first, every) == ["第4条建议", "第3条建议"] and "第 1 页，共 3 页" in first
    second = client.get(link(first, "next")).get_data(as_text=True)
    assert titles(second, every) == ["第2条建议", "第1条建议"] and "第 2 页，共 3 页" in second
    third = client.get(link(second, "next")).get_data(as_text=True)
    assert titles(third, every) == ["第0条建议"]
    assert titles(client.get(link(third, "prev")).get_data(as_text=True), every) == ["第2条建议", "第1条建议"]

    last = client.get(link(first, "last")).get_data(as_text=True)
    assert titles(last, every) == ["第0条建议"] and "第 3 页，共 3 页" in last
    on_a_day = (utcnow() - timedelta(days=9)).date().isoformat()
    dated = client.get(f"{listed}?on={on_a_day}").get_data(as_text=True)
    assert titles(dated, every) == ["第1条建议", "第0条建议"] and "第 2 页，共 3 页" in dated

    filtered = client.get(f"{listed}?status=received&on=not-a-date&after=nonsense").get_data(as_text=True)
    assert titles(filtered, every) == ["第4条建议", "第3条建议"]  # a bad place is ignored: the first page


def test_a_page_by_number_alone_is_read_only_near_either_end(app, client, login_as, monkeypatch):
    login_as("office")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    monkeypatch.setattr(lists, "OFFSET_PAGES", 1)
    round = make_open_round()
    every = [make_suggestion(round=round, title=f"第{number}条建议").title for number in range(5)]
    listed = f"/rounds/{round.id}/suggestions"

    assert titles(client.get(f"{listed}?page=2").get_data(as_text=True), every) == ["第3条建议"]
    assert titles(client.get(f"{listed}?page=4").get_data(as_text=True), every) == ["第1条建议"]
    assert client.get(f"{listed}?page=3").status_code == 404  # the middle, by its number alone
    # the links reach it from where the reader is
    second = client.get(f"{listed}?page=2").get_data(as_text=True)
    assert titles(client.get(link(second, "next")).get_data(as_text=True), every) == ["第2条建议"]
