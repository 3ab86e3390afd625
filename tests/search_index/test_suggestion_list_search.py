"""The office's suggestion list searched by words: through the full-text index, as /search finds them."""

from tests.factories import make_open_round, make_suggestion


def test_the_office_list_finds_words_through_the_index_keeping_its_filters(client, search, login_as):
    office = login_as("office")
    round = make_open_round()
    written = make_suggestion(round=round, title="老旧小区加装电梯", content="建议简化审批。")
    phoned = make_suggestion(
        round=round, channel="hotline", actor=office, title="关于住宅的建议", content="希望推动加装电梯并给予补贴。"
    )
    other = make_suggestion(round=round, title="公交线路调整", content="建议增开夜班公交。")
    make_suggestion(title="另一轮次加装电梯")  # another round's
    search.apply()
    listed = f"/rounds/{round.id}/suggestions"

    page = client.get(f"{listed}?q=加装电梯").get_data(as_text=True)
    assert written.title in page and phoned.title in page
    assert other.title not in page and "另一轮次" not in page
    assert "共 2 条记录" in page

    by_channel = client.get(f"{listed}?q=加装电梯&channel=hotline").get_data(as_text=True)
    assert phoned.title in by_channel and written.title not in by_channel

    by_code = client.get(f"{listed}?q={other.display_code}").get_data(as_text=True)
    assert other.title in by_code and written.title not in by_code


def test_all_matching_with_words_acts_on_what_the_list_found_through_the_index(
    app, client, search, login_as, monkeypatch
):
    login_as("office")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    round = make_open_round()
    # Two words in either order: the index finds both, as the list does; a LIKE of the typed text finds neither.
    found = [
        make_suggestion(round=round, title="老旧小区加装电梯", content="建议简化审批。"),
        make_suggestion(round=round, title="电梯维修", content="建议在多层住宅加装。"),
    ]
    other = make_suggestion(round=round, title="公交线路调整", content="建议增开夜班公交。")
    search.apply()
    listed = f"/rounds/{round.id}/suggestions?q=电梯 加装"
    assert "共 2 条记录" in client.get(listed).get_data(as_text=True)

    bulk = f"/rounds/{round.id}/suggestions/bulk?q=电梯 加装"
    text = client.post(bulk, data={"all_matching": "y", "action": "accept"}).get_data(as_text=True)
    assert "将变更 2 条建议。" in text
    assert all(f'value="{s.id}"' in text for s in found) and f'value="{other.id}"' not in text
