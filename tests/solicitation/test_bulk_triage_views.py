"""The office's bulk triage on the suggestion list: tick, choose, confirm, read the summary."""

from sqlalchemy import func, select

from accounts.models import AuditEvent
from extensions import db
from solicitation.models import Suggestion, SuggestionStatus
from solicitation.services import suggestions as services
from tests.factories import make_open_round, make_suggestion, make_unit, make_user

St = SuggestionStatus


def statuses(suggestions) -> list[SuggestionStatus]:
    db.session.expire_all()
    return [db.session.get(Suggestion, suggestion.id).status for suggestion in suggestions]


def events(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def adopted(office, round):
    suggestion = services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round, title="已采纳的建议"))
    return services.decide_suggestion(
        actor=office, suggestion=suggestion, adopted=True, reply="采纳", publish_reply=True
    )


def test_office_ticks_suggestions_confirms_and_reads_what_was_done_and_what_was_refused(client, login_as):
    office = login_as("office")
    round = make_open_round()
    fresh = [make_suggestion(round=round, contact_email=f"r{n}@example.cn") for n in range(2)]
    refused = adopted(office, round)
    page = client.get(f"/rounds/{round.id}/suggestions").get_data(as_text=True)
    assert f'name="suggestion_id" value="{refused.id}"' in page and "批量处理所选建议" in page
    data = {"suggestion_id": [s.id for s in (*fresh, refused)], "action": "accept"}

    response = client.post(f"/rounds/{round.id}/suggestions/bulk", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "确认：受理" in page
    assert "将变更 2 条建议。" in page and "1 条保持不变" in page
    assert "处于“已采纳”状态的建议不能变更为“已受理”。" in page
    assert "邮件通知留有电子邮箱的群众：2 位" in page
    assert all(f'name="suggestion_id" value="{s.id}"' in page for s in (*fresh, refused))
    assert statuses(fresh) == [St.received] * 2 and events("suggestion.accept") == 1  # only the adopted one's

    page = client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data=data).get_data(as_text=True)
    assert "已完成：受理" in page and "已变更 2 条建议。" in page and "已采纳的建议" in page
    assert "逐条撤回" in page
    assert statuses([*fresh, refused]) == [St.accepted, St.accepted, St.adopted]
    assert events("suggestion.accept") == 3


def test_all_matching_the_filter_takes_every_page_and_only_the_filtered(app, client, login_as, monkeypatch):
    login_as("office")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    round = make_open_round()
    hotline = [make_suggestion(round=round, channel="hotline", actor=make_user()) for _ in range(3)]
    web = make_suggestion(round=round)
    data = {"all_matching": "y", "action": "accept"}
    page = client.post(f"/rounds/{round.id}/suggestions/bulk?channel=hotline", data=data).get_data(as_text=True)
    assert "将变更 3 条建议。" in page and f'value="{web.id}"' not in page
    ids = [s.id for s in hotline]
    client.post(f"/rounds/{round.id}/suggestions/bulk/apply?channel=hotline", data={"suggestion_id": ids, **data})
    assert statuses([*hotline, web]) == [St.accepted] * 3 + [St.received]


def test_bad_input_shows_the_list_again_with_the_message_and_the_choices_kept_and_changes_nothing(client, login_as):
    login_as("office")
    round = make_open_round()
    chosen, other = make_suggestion(round=round), make_suggestion(round=round)
    for url in ("bulk", "bulk/apply"):
        data = {"suggestion_id": [chosen.id], "action": "reject", "reply": "请通过12345热线反映"}
        response = client.post(f"/rounds/{round.id}/suggestions/{url}", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "请选择不予受理的理由。" in page
        assert f'value="{chosen.id}" checked' in page and f'value="{other.id}" checked' not in page
        assert "请通过12345热线反映" in page
    response = client.post(f"/rounds/{round.id}/suggestions/bulk", data={"action": "accept"})
    assert response.status_code == 400 and "请至少勾选一条建议" in response.get_data(as_text=True)
    response = client.post(
        f"/rounds/{round.id}/suggestions/bulk", data={"suggestion_id": [chosen.id], "action": "duplicate"}
    )
    assert response.status_code == 400 and "请填写原建议的查询码或编号。" in response.get_data(as_text=True)
    response = client.post(
        f"/rounds/{round.id}/suggestions/bulk",
        data={"suggestion_id": [chosen.id], "action": "refer", "unit_id": 2**31 - 1},
    )
    assert response.status_code == 400
    assert statuses([chosen, other]) == [St.received] * 2 and events("suggestion.reject") == 0


def test_office_refers_in_bulk_and_is_told_which_staff_are_mailed(client, login_as):
    office = login_as("office")
    round = make_open_round()
    unit = make_unit(name="区住房建设局")
    make_user(role="unit_staff", unit=unit, email="zhang@example.cn", display_name="张科长")
    chosen = [services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round)) for _ in range(2)]
    data = {"suggestion_id": [s.id for s in chosen], "action": "refer", "unit_id": unit.id, "note": "请研究答复"}
    page = client.post(f"/rounds/{round.id}/suggestions/bulk", data=data).get_data(as_text=True)
    assert "区住房建设局的经办人（张科长）每条转办建议各收一封邮件。" in page and "请研究答复" in page
    client.post(f"/rounds/{round.id}/suggestions/bulk/apply", data=data)
    assert statuses(chosen) == [St.referred] * 2 and events("suggestion.refer") == 2


def test_a_preview_in_which_the_rule_refuses_every_one_offers_nothing_to_confirm(client, login_as):
    office = login_as("office")
    round = make_open_round()
    refused = adopted(office, round)
    data = {"suggestion_id": [refused.id], "action": "reject", "reason": "spam"}
    page = client.post(f"/rounds/{round.id}/suggestions/bulk", data=data).get_data(as_text=True)
    assert "将变更 0 条建议。" in page and "1 条保持不变" in page
    assert "确认：变更" not in page and "不发送群众邮件" not in page
