"""The demo's Jinwan 2023 round: the seed's two lists of 45, their parts and fields, who leads them, and the 点题
list followed through the year, as the office and the public read them."""

from pathlib import Path

from lxml import html
from sqlalchemy import select

from accounts.models import UnitKind
from demo import jinwan_lists
from demo.cli import DEMO_PASSWORD
from demo.jinwan import load_jinwan
from extensions import db
from plan import queries as plan_queries
from plan.models import Bulletin, ReportState
from solicitation.models import Round, RoundStatus

SEED = (Path(jinwan_lists.__file__).parent / "data" / "jinwan-2023-reform-tasks.txt").read_text(encoding="utf-8")
# The items the seed names, as it writes them (the titles may add a verb: 加快“城市大脑”建设)
NAMED_WORK_POINTS = [
    "海澄村",
    "村级议事协商创新实验试点",
    "创建省级安全发展示范试点区",
    "构建“府院联动”多元解纷体系",
    "国资国企改革",
    "金湾·大学科技园建设",
    "土地出让流程再造",
    "“环保、能评、安评体检套餐”",
    "“守信快批”当天发证",
    "政务服务向基层延伸",
    "农村集体资产管理服务改革",
    "耕地保护“田长制”",
    "“互联网+”智慧养老",
    "老旧小区物业管理机制",
]
NAMED_TOPICS = [
    "建立健全开发区供热企业定价机制",
    "工业邻里中心建设",
    "“拿地即开工”",
    "基础教育学位攻坚",
    "产业工人及人才入户",
    "人才房使用管理",
    "整治低效用地",
    "“城市大脑”建设",
    "村庄规划编制",
]


def text_of(page) -> str:
    return " ".join(html.fromstring(page.get_data(as_text=True)).text_content().split())


def test_the_demos_lists_hold_what_the_seed_counts_and_names():
    assert "各自包含45项" in SEED and "区直单位牵头34项、各镇牵头11项" in SEED  # said of the 点题 list
    assert "“经济提升”“区域提升”“民生提升”“破解难题”四大部分" in SEED and "7大重点领域" in SEED
    work_points = [entry for entries in jinwan_lists.WORK_POINTS.values() for entry in entries]
    topics = [entry for entries in jinwan_lists.TOPICS.values() for entry in entries]
    assert (len(work_points), len(jinwan_lists.WORK_POINTS), len(topics), len(jinwan_lists.TOPICS)) == (45, 7, 45, 4)
    for names, entries in ((NAMED_WORK_POINTS, work_points), (NAMED_TOPICS, topics)):
        for name in names:
            assert name in SEED
            assert len([title for title, *_rest in entries if name in title]) == 1, name
    # 13 tasks of the economy and 11 of local governance, as the seed counts them
    fields = list(jinwan_lists.WORK_POINTS.values())
    assert (len(fields[0]), len(fields[2])) == (13, 11)


def test_the_jinwan_round_publishes_both_lists_and_follows_the_topics_through_the_year(app, client):
    load_jinwan(password=DEMO_PASSWORD)
    round = db.session.scalar(select(Round).where(Round.year == 2023))
    assert not round.solicits and round.status is RoundStatus.implementing
    work_points, topics = plan_queries.plans_of(round.id)
    assert (work_points.title, topics.title) == (jinwan_lists.WORK_POINTS_TITLE, jinwan_lists.TOPICS_TITLE)
    assert [part.title for part in topics.parts] == ["经济提升", "区域提升", "民生提升", "破解难题"]
    assert [part.title for part in work_points.parts] == list(jinwan_lists.WORK_POINTS)
    assert (len(work_points.projects), len(topics.projects)) == (45, 45)
    assert plan_queries.lead_counts(topics.projects) == [(UnitKind.department, 34), (UnitKind.subdistrict, 11)]
    everything = work_points.projects + topics.projects
    assert not any(p.lead_leader_name for p in everything) and not work_points.requires_lead_leader
    titles = [p.title for p in everything]
    assert "建立健全开发区供热企业定价机制" in titles and "实施海澄村村级议事协商创新实验试点" in titles
    # Each item says whether the seed names it or the demo wrote it.
    marked = {p.title: p.origin.endswith(f"（{jinwan_lists.NAMED}）") for p in everything}
    assert marked["大力推动“拿地即开工”"] and not marked["破解老城区停车难问题"]
    written = [
        (title, seed)
        for lists in (jinwan_lists.WORK_POINTS, jinwan_lists.TOPICS)
        for entries in lists.values()
        for title, _unit, _goal, seed in entries
    ]
    assert sorted(marked.items()) == sorted(written)

    reports = plan_queries.reports_by_project(topics.id)
    assert sum(len(by_quarter) for by_quarter in reports.values()) == 180
    assert {r.state for by_quarter in reports.values() for r in by_quarter.values()} == {ReportState.accepted}
    issued = db.session.scalars(select(Bulletin).where(Bulletin.plan_id == topics.id)).all()
    assert sorted(b.quarter for b in issued if b.issued_at) == [1, 2, 3, 4]
    assert all(p.rating for p in topics.projects) and [p.title for p in topics.projects if p.replicable] == [
        "大力推动“拿地即开工”",
        "加快“城市大脑”建设",
        "推进产业工人及人才入户",
    ]

    listed = text_of(client.get("/plans"))
    assert jinwan_lists.WORK_POINTS_TITLE in listed and jinwan_lists.TOPICS_TITLE in listed
    page = text_of(client.get(f"/plans/{topics.id}"))
    assert "区直单位牵头 34 项、街道/镇牵头 11 项" in page
    assert "破解难题 一、破解历史遗留违法建筑分类处置难题" in page
    home = html.fromstring(client.get("/").get_data(as_text=True))
    assert [h.text_content() for h in home.xpath("//section[contains(@class, 'portal-plan')]/h2")] == [
        jinwan_lists.WORK_POINTS_TITLE,
        jinwan_lists.TOPICS_TITLE,
    ]
    # 45 projects a list: a card a part (its count, how far it has come), not 45 cards a list.
    parts = [" ".join(card.text_content().split()) for card in home.xpath("//ul[contains(@class, 'part-cards')]/li")]
    assert len(parts) == 7 + 4 and not home.xpath("//ul[@class='project-cards']")
    assert parts[0].startswith(f"{list(jinwan_lists.WORK_POINTS)[0]} 13 个项目 尚无进展报告")
    assert parts[7].startswith("经济提升") and "平均完成" in parts[7] and "项滞后" in parts[7]
