"""Topics (点题): the office names a round's hard problems, units answer them with proposals, and the office reads
each topic's answers side by side."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Proposal, TopicStatus
from solicitation.services import topics as services
from solicitation.services.proposals import update_proposal
from tests.factories import make_open_round, make_proposal, make_user

HEATING = "建立健全开发区供热企业定价机制"


@pytest.fixture
def soliciting():
    office = make_user(role="office")
    round = make_open_round(categories=("经济提升", "民生提升"))
    topic = services.create_topic(
        actor=office,
        round=round,
        title=HEATING,
        category_id=round.categories[0].id,
        problem="供热价格由企业自定，园区企业负担重。",
        expected_result="出台供热定价办法。",
    )
    return {"office": office, "round": round, "topic": topic}


def test_a_topic_is_answered_only_while_published_and_a_proposal_may_answer_none(soliciting):
    office, round, topic = soliciting["office"], soliciting["round"], soliciting["topic"]
    with pytest.raises(SolicitationError, match="topic_not_open"):  # a draft is not open to answers
        make_proposal(round=round, topic_id=topic.id)
    services.publish_topic(actor=office, topic=topic)
    answer = make_proposal(round=round, submit=True, topic_id=topic.id, title="供热定价改革")
    unrelated = make_proposal(round=round, title="工业邻里中心建设")
    assert (answer.topic, unrelated.topic) == (topic, None)
    services.withdraw_topic(actor=office, topic=topic)
    assert topic.status is TopicStatus.withdrawn and answer.topic == topic  # answers keep saying so
    with pytest.raises(SolicitationError, match="topic_not_open"):
        update_proposal(actor=unrelated.author, proposal=unrelated, fields={"title": "x", "topic_id": topic.id})
    with pytest.raises(SolicitationError, match="topic_withdrawn"):
        services.update_topic(actor=office, topic=topic, title="x", category_id=None, problem="", expected_result="")


def test_only_the_office_sets_topics_and_a_bad_field_changes_nothing(soliciting):
    round, topic = soliciting["round"], soliciting["topic"]
    with pytest.raises(SolicitationError):
        services.create_topic(actor=make_user(role="unit_staff"), round=round, title="拿地即开工", category_id=None)
    with pytest.raises(SolicitationError, match="topic_title_required"):
        services.update_topic(
            actor=soliciting["office"], topic=topic, title=" ", category_id=None, problem="", expected_result=""
        )
    services.publish_topic(actor=soliciting["office"], topic=topic)
    with pytest.raises(SolicitationError, match="topic_not_draft"):
        services.publish_topic(actor=soliciting["office"], topic=topic)
    assert topic.title == HEATING


def test_the_unit_picks_a_published_topic_on_its_proposal_form(soliciting, client):
    round, topic = soliciting["round"], soliciting["topic"]
    staff = make_user(role="unit_staff")
    client.login(staff)
    assert 'name="topic_id"' not in client.get(f"/rounds/{round.id}/proposals/new").get_data(as_text=True)
    services.publish_topic(actor=soliciting["office"], topic=topic)
    assert HEATING in client.get(f"/rounds/{round.id}/proposals/new").get_data(as_text=True)
    data = {"title": "供热定价改革", "category_id": round.categories[0].id, "topic_id": topic.id, "action": "save"}
    assert client.post(f"/rounds/{round.id}/proposals/new", data=data).status_code == 302
    [answer] = [p for p in round_proposals(round) if p.title == "供热定价改革"]
    assert answer.topic_id == topic.id


def round_proposals(round):
    return list(db.session.scalars(select(Proposal).where(Proposal.round_id == round.id)))


def test_the_office_reads_a_topics_answers_side_by_side_and_lists_topics(soliciting, client):
    office, round, topic = soliciting["office"], soliciting["round"], soliciting["topic"]
    services.publish_topic(actor=office, topic=topic)
    make_proposal(round=round, submit=True, topic_id=topic.id, title="供热定价改革")
    make_proposal(round=round, topic_id=topic.id, title="尚未提交的草稿")
    make_proposal(round=round, submit=True, title="工业邻里中心建设")
    services.create_topic(actor=office, round=round, title="拿地即开工", category_id=None)
    client.login(office)
    page = client.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "供热定价改革" in page and "尚未提交的草稿" not in page and "工业邻里中心建设" not in page
    ranking = client.get(f"/rounds/{round.id}/ranking", query_string={"topic": topic.id}).get_data(as_text=True)
    assert "供热定价改革" in ranking and "工业邻里中心建设" not in ranking
    listed = client.get(f"/rounds/{round.id}/topics", query_string={"status": "draft"}).get_data(as_text=True)
    assert "拿地即开工" in listed and HEATING not in listed
    export = client.get(f"/rounds/{round.id}/topics", query_string={"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.data)).active.values)
    assert [row[1] for row in rows[3:-1]] == [HEATING, "拿地即开工"]  # below the title, date and header


def test_the_office_sets_edits_publishes_and_withdraws_a_topic_through_its_pages(soliciting, client):
    office, round = soliciting["office"], soliciting["round"]
    client.login(office)
    refused = client.post(f"/rounds/{round.id}/topics/new", data={"title": "", "problem": "学位不足"})
    assert refused.status_code == 400 and "学位不足" in refused.get_data(as_text=True)
    response = client.post(f"/rounds/{round.id}/topics/new", data={"title": "基础教育学位攻坚", "problem": "学位不足"})
    topic_url = response.headers["Location"]
    topic_id = int(topic_url.rsplit("/", 1)[1])
    client.post(f"/topics/{topic_id}/edit", data={"title": "基础教育学位攻坚", "expected_result": "新增学位3000个"})
    client.post(f"/topics/{topic_id}/publish")
    page = client.get(topic_url).get_data(as_text=True)
    assert "新增学位3000个" in page and f'action="/topics/{topic_id}/withdraw"' in page
    client.post(f"/topics/{topic_id}/withdraw")
    assert f'action="/topics/{topic_id}/' not in client.get(topic_url).get_data(as_text=True)
