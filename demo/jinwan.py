"""The Jinwan 2023 round of the demo: two lists of tasks handed down (no solicitation), entered as an office enters
them, from a sheet each, approved, published, and followed through the year (the 点题 list: four quarters of
progress, four bulletins, the year-end assessment)."""

import csv
import io
from datetime import date

from sqlalchemy import select

from accounts import services as accounts
from accounts.models import Role, Unit, UnitKind, User
from demo import jinwan_lists as lists
from extensions import db
from plan.models import Numbering, PlanStatus, Rating
from plan.services import bulletins, progress
from plan.services import key_projects as key_project_services
from plan.services import parts as plan_parts
from plan.services import plans as plan_services
from plan.services.progress import Assessment
from solicitation.models import Round, RoundStatus
from solicitation.services import rounds as solicitation

YEAR = 2023
ISSUED_ON = date(YEAR, 7, 10)  # "7月……正式印发"
OFFICE = ("office.jinwan", "林芳（金湾区委改革办）")


def _units() -> None:
    wanted = [(lists.OFFICE_UNIT, UnitKind.department)]
    wanted += [(name, UnitKind.department) for name in lists.DISTRICT_UNITS]
    wanted += [(name, UnitKind.subdistrict) for name in lists.TOWNS]
    have = set(db.session.scalars(select(Unit.name)))
    for name, kind in wanted:
        if name not in have:
            accounts.create_unit(actor=None, name=name, kind=kind)


def _office(password: str) -> User:
    username, name = OFFICE
    office = db.session.scalar(select(User).where(User.username == username))
    unit = db.session.scalar(select(Unit).where(Unit.name == lists.OFFICE_UNIT))
    return office or accounts.create_user(
        actor=None, username=username, display_name=name, role=Role.office, unit_id=unit.id, password=password
    )


def _sheet(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _projects_sheet(title: str, items: dict, *, categorised: bool) -> bytes:
    """The list as the office's import sheet: part, title, field, origin (marking the demo's own titles), goal, unit."""
    origin = lists.ORIGINS[title]
    rows = [
        (part, name, part if categorised else "", f"{origin}（{lists.NAMED if seed else lists.WRITTEN}）", goal, unit)
        for part, entries in items.items()
        for name, unit, goal, seed in entries
    ]
    return _sheet(["板块", "项目名称", "改革领域", "来源", "改革目标", "牵头单位"], rows)


def _publish_list(office: User, round: Round, title: str, items: dict, *, numbering: Numbering, categorised: bool):
    plan = plan_services.create_plan(actor=office, round=round, title=title, from_selection=False)
    for part in [part for part in plan.parts if part.title not in items]:  # its parts start as the round's fields
        plan_parts.remove_plan_part(actor=office, part=part)
    plan_services.set_plan_layout(actor=office, plan=plan, numbering=numbering, requires_lead_leader=False)
    sheet = _projects_sheet(title, items, categorised=categorised)
    key_project_services.import_key_projects(actor=office, plan=plan, filename=f"{title}.csv", data=sheet)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office, plan=plan, target=target, meeting=lists.MEETING, approved_on=ISSUED_ON
        )
    return plan


def _follow_through(office: User, plan) -> None:
    """季度跟踪通报 and 考核: a sheet of every project's progress a quarter, the quarter's bulletin, the assessment."""
    for quarter, (percent, status, achievements) in lists.QUARTERS.items():
        rows = []
        for project in plan.projects:
            behind = lists.LAGGING.get(project.title, {}).get(quarter)
            figures = (behind, "滞后") if behind is not None else (percent, status)
            rows.append((project.position, project.title, *figures, achievements))
        sheet = _sheet(["编号", "项目名称", "完成进度", "状态", "工作进展及成效"], rows)
        progress.import_progress(actor=office, plan=plan, quarter=quarter, filename=f"第{quarter}季度.csv", data=sheet)
        remarks = {
            project.id: "进度滞后，请牵头单位制定赶进度措施。"
            for project in plan.projects
            if lists.LAGGING.get(project.title, {}).get(quarter) is not None
        }
        bulletins.save_bulletin(
            actor=office, plan=plan, quarter=quarter, summary=lists.BULLETINS[quarter], remarks=remarks, issue=True
        )
    assessments = {}
    for project in plan.projects:
        unfinished = 4 in lists.LAGGING.get(project.title, {})  # still behind at the year's end
        replicable = project.title in lists.REPLICABLE
        rating = Rating.fair if unfinished else Rating.excellent if replicable else Rating.good
        evaluation = (
            "年度目标未全部完成，转入下一年度持续推进。"
            if unfinished
            else "按期完成年度改革任务，形成可复制推广的经验做法。"
            if replicable
            else "按期完成年度改革任务。"
        )
        assessments[project.id] = Assessment(rating=rating, evaluation=evaluation, replicable=replicable)
    progress.assess_key_projects(actor=office, plan=plan, assessments=assessments)


def load_jinwan(*, password: str) -> Round:
    """The 2023 round: both lists published, the 点题 list reported on every quarter and assessed."""
    _units()
    office = _office(password)
    round = solicitation.create_round(
        actor=office,
        year=YEAR,
        title=lists.ROUND_TITLE,
        description=(
            "区委全面深化改革委员会2023年工作要点45项、改革攻坚“点题”项目45项，共90项改革任务（区直单位牵头34项、"
            "各镇牵头11项为“点题”项目的分工）。演示数据：项目名称中“报道点名”者取自报道，“演示示例”者依报道精神"
            "补写；牵头单位、改革目标、进度与考核均为演示。"
        ),
        solicitation_opens=None,
        solicitation_closes=None,
        review_deadline=None,
        plan_date=ISSUED_ON,
        category_preset="jinwan",
        solicits=False,
    )
    _publish_list(
        office, round, lists.WORK_POINTS_TITLE, lists.WORK_POINTS, numbering=Numbering.continuous, categorised=False
    )
    topics = _publish_list(
        office, round, lists.TOPICS_TITLE, lists.TOPICS, numbering=Numbering.within_parts, categorised=True
    )
    _follow_through(office, topics)
    return solicitation.transition_round(actor=office, round=round, target=RoundStatus.implementing)
