"""The office triages the demo's suggestions by theme in a real browser: the themes are computed, the office opens
the themes page and a theme, ticks the suggestions still to triage and accepts them through the bulk preview, then
publishes one reply to the whole theme. Screenshots are in test-artifacts/browser/themes/."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from extensions import db
from solicitation.models import Suggestion, SuggestionStatus, Theme, ThemeMember
from solicitation.services.themes import compute_themes
from tests.browser.conftest import Album, log_in
from tests.factories import make_user


@pytest.fixture
def soliciting():
    """The demo's round taking suggestions, its themes computed, and the office's account."""
    from demo.cli import load_demo

    _history, round = load_demo(through_plan=False)
    compute_themes(round_id=round.id, progress=lambda *args, **kwargs: None)
    make_user(role="office", username="office.chen", display_name="陈静")
    return round


def members(theme_id: int) -> list[Suggestion]:
    db.session.expire_all()
    query = select(Suggestion).join(ThemeMember).where(ThemeMember.theme_id == theme_id).order_by(Suggestion.id)
    return list(db.session.scalars(query))


def test_the_office_triages_the_demo_s_suggestions_by_theme(open_tab, soliciting):
    album = Album("themes")
    page = album.watch(open_tab("desktop"))
    log_in(page, "office.chen")
    page.goto(f"/rounds/{soliciting.id}/suggestions")
    page.get_by_role("link", name="议题归类").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("议题归类")
    expect(page.get_by_text("最近一次归类于")).to_be_visible()
    album.shoot(page, "themes")

    # The theme with the most suggestions still to triage.
    themes = db.session.scalars(select(Theme).where(Theme.round_id == soliciting.id)).all()
    theme = max(themes, key=lambda t: sum(s.status is SuggestionStatus.received for s in members(t.id)))
    received = [s for s in members(theme.id) if s.status is SuggestionStatus.received]
    assert received, "the demo has suggestions still to triage"
    page.get_by_role("link", name=theme.name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(theme.name)
    album.shoot(page, "theme")

    # The received ones, ticked and accepted together through the bulk preview.
    for suggestion in received:
        page.get_by_label(f"选择“{suggestion.title}”").check()
    page.locator("#action").select_option(label="受理")
    page.get_by_role("button", name="预览变更…").click()
    expect(page.get_by_role("status")).to_contain_text(f"将变更 {len(received)} 条建议。")
    album.shoot(page, "preview")
    page.get_by_role("button", name=f"确认：变更 {len(received)} 条建议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("已完成：受理")
    expect(page.get_by_role("status")).to_contain_text(f"已变更 {len(received)} 条建议。")
    assert SuggestionStatus.received not in {s.status for s in members(theme.id)}

    # Then one reply to the whole theme: each suggestion without a reply gets it, the others keep theirs.
    unanswered = [s for s in members(theme.id) if not s.reply]
    page.goto(f"/rounds/{soliciting.id}/themes/{theme.id}")
    page.get_by_label("本议题全部").check()
    page.locator("#action").select_option(label="统一答复（逐条发布）")
    page.locator("#reply").fill("改革办已汇总这些建议，交有关单位研究。")
    page.get_by_role("button", name="预览变更…").click()
    expect(page.get_by_role("status")).to_contain_text(f"将变更 {len(unanswered)} 条建议。")
    page.get_by_role("button", name=f"确认：变更 {len(unanswered)} 条建议").click()
    expect(page.get_by_role("status")).to_contain_text(f"已变更 {len(unanswered)} 条建议。")
    album.shoot(page, "done")
    assert all(s.public_reply for s in members(theme.id))
    assert album.errors == []
