"""The office's theme pages: the list, a theme's suggestions and edits, bulk triage of a theme, publishing it on
/heard, the dashboard's themes; other roles are refused."""

from datetime import timedelta

from sqlalchemy import func, select

from accounts.models import AuditEvent
from core import clock
from extensions import db
from jobs.services import run_pending
from solicitation.models import Suggestion, SuggestionStatus, Theme, ThemeMember
from solicitation.services import suggestions as suggestion_services
from tests.factories import make_open_round, make_suggestion, make_theme

St = SuggestionStatus


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def statuses(suggestions) -> list[SuggestionStatus]:
    db.session.expire_all()
    return [db.session.get(Suggestion, s.id).status for s in suggestions]


def bus_theme(round, count=3, **fields):
    suggestions = [
        make_suggestion(round=round, title=f"增开公交线路{n}", location="龙城街道", contact_email=f"r{n}@example.cn")
        for n in range(count)
    ]
    return make_theme(round=round, suggestions=suggestions, **fields), suggestions


def test_themes_page_lists_themes_largest_first_with_channels_places_and_weekly_trend(client, login_as):
    login_as("office")
    round = make_open_round()
    small = make_theme(round=round, name="停车难", suggestions=[make_suggestion(round=round, channel="wechat")])
    large, suggestions = bus_theme(round)
    suggestions[0].received_on = clock.today() - timedelta(days=9)  # the solicitation's first week
    db.session.commit()
    page = client.get(f"/rounds/{round.id}/themes").get_data(as_text=True)
    assert page.index(large.name) < page.index("停车难")
    assert "网站 3" in page and "微信 1" in page and "龙城街道 3" in page
    assert 'aria-label="每周：1、2"' in page  # one the first week, two this week
    assert "本轮尚未归类议题" in page and "重新归类" in page
    assert f"/rounds/{round.id}/themes/{small.id}" in page


def test_themes_page_filters_and_exports(client, login_as):
    login_as("office")
    round = make_open_round()
    bus_theme(round)
    make_theme(round=round, name="停车难", suggestions=[make_suggestion(round=round)])
    page = client.get(f"/rounds/{round.id}/themes?q=停车").get_data(as_text=True)
    assert "停车难" in page and "公交出行" not in page
    exported = client.get(f"/rounds/{round.id}/themes?export=csv").get_data(as_text=True)
    assert "公交出行" in exported and "停车难" in exported and "王芳" not in exported


def test_theme_page_lists_its_suggestions_most_representative_first(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    outsider = make_suggestion(round=round, title="与本议题无关")
    page = client.get(f"/rounds/{round.id}/themes/{theme.id}").get_data(as_text=True)
    positions = [page.index(s.title) for s in suggestions]
    assert positions == sorted(positions) and "90%" in page
    assert "与本议题无关" not in page and f'value="{outsider.id}"' not in page
    assert "王芳" not in page and "13812345678" not in page


def test_office_accepts_the_whole_theme_through_the_bulk_preview_each_audited(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    outsider = make_suggestion(round=round)
    data = {"all_matching": "y", "action": "accept"}
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/bulk", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "确认：受理" in page and "将变更 3 条建议。" in page
    assert f"/rounds/{round.id}/themes/{theme.id}" in page  # back goes to the theme
    assert statuses(suggestions) == [St.received] * 3
    ids = [s.id for s in suggestions]
    page = client.post(
        f"/rounds/{round.id}/suggestions/bulk/apply", data={"suggestion_id": ids, "action": "accept"}
    ).get_data(as_text=True)
    assert "已变更 3 条建议。" in page
    assert statuses([*suggestions, outsider]) == [St.accepted] * 3 + [St.received]
    assert events("suggestion.accept") == 3


def test_a_selection_in_a_theme_takes_only_its_own_suggestions(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    outsider = make_suggestion(round=round)
    data = {"suggestion_id": [suggestions[0].id, outsider.id], "action": "reject", "reason": "out_of_scope"}
    page = client.post(f"/rounds/{round.id}/themes/{theme.id}/bulk", data=data).get_data(as_text=True)
    assert "将变更 1 条建议。" in page and f'value="{outsider.id}"' not in page


def test_bad_bulk_input_shows_the_theme_again_with_the_message_and_changes_nothing(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    response = client.post(
        f"/rounds/{round.id}/themes/{theme.id}/bulk", data={"suggestion_id": [suggestions[1].id], "action": "reject"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请选择不予受理的理由。" in page
    assert f'value="{suggestions[1].id}" checked' in page
    assert statuses(suggestions) == [St.received] * 3


def test_publishing_a_theme_shows_its_name_count_and_reply_on_heard_without_contacts(client, login_as):
    office = login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    suggestion_services.reject_suggestion(
        actor=office, suggestion=suggestions[2], reason=suggestion_services.RejectReason.spam, reply=""
    )
    data = {"public_name": "希望增开公交线路", "public_reply": "区交通局正在研究优化线路。"}
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/publish", data=data)
    assert response.status_code == 302 and events("theme.publish") == 1
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).named_by_office
    client.post("/logout")
    page = client.get(f"/heard?round={round.id}").get_data(as_text=True)
    assert "我们听到的" in page and "希望增开公交线路" in page and "区交通局正在研究优化线路。" in page
    assert "2 条建议" in page  # the one set aside is not counted
    assert "王芳" not in page and "13812345678" not in page and "r0@example.cn" not in page
    assert "增开公交线路0" not in page  # counts only: no suggestion of the theme is shown


def test_withdrawing_a_theme_takes_it_off_heard(client, login_as):
    office = login_as("office")
    round = make_open_round()
    theme, _suggestions = bus_theme(round)
    client.post(
        f"/rounds/{round.id}/themes/{theme.id}/publish", data={"public_name": "公交", "public_reply": "正在研究。"}
    )
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/withdraw")
    assert response.status_code == 302 and events("theme.withdraw") == 1
    assert "正在研究。" not in client.get(f"/heard?round={round.id}").get_data(as_text=True)
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/withdraw", follow_redirects=True)
    assert "该议题尚未公开。" in response.get_data(as_text=True) and office


def test_publishing_without_a_reply_is_refused_on_the_theme_page(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, _suggestions = bus_theme(round)
    response = client.post(
        f"/rounds/{round.id}/themes/{theme.id}/publish", data={"public_name": "公交", "public_reply": " "}
    )
    assert response.status_code == 400 and events("theme.publish") == 0
    db.session.expire_all()
    assert not db.session.get(Theme, theme.id).published


def test_suggestion_page_names_its_theme(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    page = client.get(f"/suggestions/{suggestions[0].id}").get_data(as_text=True)
    assert "所属议题" in page and f"/rounds/{round.id}/themes/{theme.id}" in page


def test_dashboard_shows_the_largest_and_fastest_growing_themes(client, login_as):
    login_as("office")
    round = make_open_round()
    old = make_theme(round=round, name="老议题", suggestions=[make_suggestion(round=round) for _ in range(4)])
    for member in db.session.scalars(select(ThemeMember).where(ThemeMember.theme_id == old.id)):
        member.suggestion.received_on = clock.today() - timedelta(days=9)
    db.session.commit()
    new, _suggestions = bus_theme(round, count=2, name="新议题")
    page = client.get(f"/rounds/{round.id}/dashboard").get_data(as_text=True)
    section = page[page.index('id="themes"') :]
    assert section.index("老议题") < section.index("新议题")  # the largest first
    growing = section[section.index("增长最快") :]
    assert "新议题" in growing and "老议题" not in growing
    assert f"/rounds/{round.id}/themes/{new.id}" in section


def test_a_theme_is_the_office_s_only(client, login_as):
    round = make_open_round()
    theme, _suggestions = bus_theme(round)
    login_as("leader")
    assert client.get(f"/rounds/{round.id}/themes").status_code == 403
    assert client.get(f"/rounds/{round.id}/themes/{theme.id}").status_code == 403
    page = client.get(f"/rounds/{round.id}/dashboard").get_data(as_text=True)
    assert "公交出行" in page and f"/themes/{theme.id}" not in page  # the leader reads the names, without links


def test_a_theme_of_another_round_is_not_found(client, login_as):
    login_as("office")
    theme, _suggestions = bus_theme(make_open_round())
    other = make_open_round()
    assert client.get(f"/rounds/{other.id}/themes/{theme.id}").status_code == 404


def test_one_reply_goes_to_every_resident_of_the_theme_each_audited_and_told(client, login_as):
    office = login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    suggestion_services.decide_suggestion(
        actor=office,
        suggestion=suggestion_services.accept_suggestion(actor=office, suggestion=suggestions[0]),
        adopted=True,
        reply="已采纳，本条单独答复。",
        publish_reply=True,
    )
    data = {"all_matching": "y", "action": "reply", "reply": "区交通局将优化公交线路。"}
    page = client.post(f"/rounds/{round.id}/themes/{theme.id}/bulk", data=data).get_data(as_text=True)
    assert "将变更 2 条建议。" in page and "1 条保持不变" in page and "区交通局将优化公交线路。" in page
    assert "邮件通知留有电子邮箱的群众：2 位" in page
    ids = [s.id for s in suggestions]
    client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data={"suggestion_id": ids, **data})
    db.session.expire_all()
    replies = [db.session.get(Suggestion, s.id).public_reply for s in suggestions]
    assert replies == ["已采纳，本条单独答复。", "区交通局将优化公交线路。", "区交通局将优化公交线路。"]
    assert events("suggestion.reply") == 2
    track = client.get(f"/track?code={suggestions[1].tracking_code}").get_data(as_text=True)
    assert "区交通局将优化公交线路。" in track


def test_one_reply_needs_its_text(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    response = client.post(
        f"/rounds/{round.id}/themes/{theme.id}/bulk", data={"all_matching": "y", "action": "reply", "reply": " "}
    )
    assert response.status_code == 400 and "请填写要发布的答复。" in response.get_data(as_text=True)
    assert events("suggestion.reply") == 0


def members(theme_id: int) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(ThemeMember.suggestion_id).where(ThemeMember.theme_id == theme_id)))


def test_office_renames_a_theme_on_its_page(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, _suggestions = bus_theme(round)
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/rename", data={"name": "公交线路优化"})
    assert response.status_code == 302
    db.session.expire_all()
    renamed = db.session.get(Theme, theme.id)
    assert renamed.name == "公交线路优化" and renamed.named_by_office
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/rename", data={"name": ""})
    assert response.status_code == 400 and db.session.get(Theme, theme.id).name == "公交线路优化"


def test_office_merges_other_themes_into_one(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    other = make_theme(round=round, name="公交站台", suggestions=[parking := make_suggestion(round=round)])
    page = client.get(f"/rounds/{round.id}/themes/{theme.id}").get_data(as_text=True)
    assert "公交站台（1）" in page
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/merge", data={"other_ids": [other.id]})
    assert response.status_code == 302
    assert members(theme.id) == {*(s.id for s in suggestions), parking.id}
    assert db.session.get(Theme, theme.id).size == 4


def test_office_splits_the_chosen_suggestions_into_a_new_named_theme(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    data = {"suggestion_id": [suggestions[0].id], "new_name": "夜间公交"}
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/split", data=data)
    assert response.status_code == 302
    new = db.session.scalar(select(Theme).where(Theme.name == "夜间公交"))
    assert members(new.id) == {suggestions[0].id} and response.headers["Location"].endswith(f"/themes/{new.id}")
    assert members(theme.id) == {s.id for s in suggestions[1:]}


def test_office_moves_the_chosen_suggestions_to_another_theme(client, login_as):
    login_as("office")
    round = make_open_round()
    theme, suggestions = bus_theme(round)
    other = make_theme(round=round, name="停车难", suggestions=[make_suggestion(round=round)])
    data = {"suggestion_id": [suggestions[1].id, suggestions[2].id], "to_theme": other.id}
    assert client.post(f"/rounds/{round.id}/themes/{theme.id}/move", data=data).status_code == 302
    assert members(theme.id) == {suggestions[0].id} and {suggestions[1].id, suggestions[2].id} <= members(other.id)
    assert all(db.session.get(ThemeMember, s.id).by_hand for s in suggestions[1:])
    response = client.post(f"/rounds/{round.id}/themes/{theme.id}/move", data={"to_theme": other.id})
    assert response.status_code == 400 and "请至少勾选一条建议" in response.get_data(as_text=True)


def test_recompute_queues_the_job_opens_its_progress_page_and_the_list_says_what_it_changed(client, login_as):
    login_as("office")
    round = make_open_round()
    concerns = {
        "公交": ["增开公交线路", "缩短公交候车时间", "公交站台加装雨棚", "开通夜间公交"],
        "电梯": ["老旧小区加装电梯", "电梯加装费用分摊", "加装电梯审批太慢", "老人爬楼梯困难"],
        "停车": ["夜间停车难", "车位严重不足", "违停占用消防通道", "增设智能停车引导"],
    }
    for n in range(12):
        for phrases in concerns.values():
            picked = [phrases[(n + i) % 4] for i in range(3)]
            make_suggestion(round=round, title=picked[0], content="，".join(picked) + "。")
    response = client.post(f"/rounds/{round.id}/themes/recompute")
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    assert "本轮尚未归类议题" not in client.get(f"/rounds/{round.id}/themes").get_data(as_text=True)
    run_pending()
    page = client.get(f"/rounds/{round.id}/themes").get_data(as_text=True)
    assert "最近一次归类于" in page and "变更情况：" in page
    assert db.session.scalar(select(func.count()).select_from(Theme).where(Theme.round_id == round.id)) >= 2
