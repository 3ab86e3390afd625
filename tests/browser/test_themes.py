"""The office triages the demo's suggestions by theme in a real browser: the themes are computed, the office opens
the themes page, the largest theme, ticks suggestions and accepts them through the bulk preview, then accepts the
rest of the theme. Screenshots are in test-artifacts/browser/themes/."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from solicitation.models import Suggestion, SuggestionStatus, Theme, ThemeMember
from solicitation.services.themes import compute_themes
from tests.browser.conftest import Album, log_in
from tests.factories import make_user


def statuses(theme_id: int) -> list[SuggestionStatus]:
    db.session.expire_all()
    query = select(Suggestion.status).join(ThemeMember).where(ThemeMember.theme_id == theme_id)
    return list(db.session.scalars(query))


@pytest.fixture
def soliciting():
    """The demo's round taking suggestions, its themes computed, and the office's account."""
    from demo.cli import load_demo

    _history, round = load_demo(through_plan=False)
    compute_themes(round_id=round.id, progress=lambda *args, **kwargs: None)
    make_user(role="office", username="office.chen", display_name="陈静")
    return round


def test_the_office_triages_the_demo_s_suggestions_by_theme(open_tab, soliciting):
    album = Album("themes")
    page = album.watch(open_tab("desktop"))
    log_in(page, "office.chen")
    page.goto(f"/rounds/{soliciting.id}/suggestions")
    page.get_by_role("link", name="议题归类").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("议题归类")
    expect(page.get_by_text("最近一次归类于")).to_be_visible()
    album.shoot(page, "themes")

    largest = db.session.scalars(
        select(Theme).where(Theme.round_id == soliciting.id).order_by(Theme.size.desc(), Theme.id)
    ).first()
    page.get_by_role("link", name=largest.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(largest.name)
    album.shoot(page, "theme")

    # Two received suggestions of the theme, ticked and accepted together.
    received = [
        s
        for s in db.session.scalars(
            select(Suggestion).join(ThemeMember).where(ThemeMember.theme_id == largest.id).order_by(Suggestion.id)
        )
        if s.status is SuggestionStatus.received
    ]
    assert len(received) >= 2, "the demo's largest theme has suggestions still to triage"
    for suggestion in received[:2]:
        page.get_by_label(f"选择“{suggestion.title}”").check()
    page.locator("#action").select_option(label="受理")
    page.get_by_role("button", name="预览变更…").click()
    expect(page.get_by_role("status")).to_contain_text("将变更 2 条建议。")
    album.shoot(page, "preview")
    page.get_by_role("button", name="确认：变更 2 条建议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("已完成：受理")
    expect(page.get_by_role("status")).to_contain_text("已变更 2 条建议。")

    # Then the rest of the theme at once: those still received are accepted, the others left as they are.
    page.goto(f"/rounds/{soliciting.id}/themes/{largest.id}")
    page.get_by_label("本议题全部").check()
    page.locator("#action").select_option(label="受理")
    page.get_by_role("button", name="预览变更…").click()
    expect(page.get_by_role("status")).to_contain_text(f"将变更 {len(received) - 2} 条建议。")
    page.get_by_role("button", name=f"确认：变更 {len(received) - 2} 条建议").click()
    expect(page.get_by_role("status")).to_contain_text(f"已变更 {len(received) - 2} 条建议。")
    album.shoot(page, "done")
    assert SuggestionStatus.received not in statuses(largest.id)
    assert album.errors == []
