"""Quarterly progress: the lead unit reports, the office accepts or returns it, the missing are reminded."""

import io
from datetime import date

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent
from core.errors import RowsRejected
from core.mail import OutboxMessage
from extensions import db
from plan import queries
from plan.errors import PlanError
from plan.models import PlanStatus, ProgressStatus, Rating, ReportState
from plan.services import bulletins, key_projects, progress
from plan.services import plans as services
from solicitation.models import Channel, Suggestion
from solicitation.services import suggestions
from tests.factories import make_user
from tests.plan.conftest import lead_everything


def staff_of(project, **fields):
    return make_user(role="unit_staff", unit=project.lead_unit, **fields)


def report(project, staff, quarter=1, submit=True, **fields):
    values = {"percent": 30, "status": ProgressStatus.on_track, "achievements": "完成方案制定"} | fields
    return progress.save_report(actor=staff, project=project, quarter=quarter, submit=submit, **values)


def test_only_the_lead_unit_reports_and_only_once_the_plan_is_published(planning, published):
    project = published.projects[0]
    outsider = make_user(role="unit_staff")
    with pytest.raises(PlanError, match="not_lead_unit"):
        report(project, outsider)
    with pytest.raises(PlanError, match="percent_out_of_range"):
        report(project, staff_of(project), percent=120)
    with pytest.raises(PlanError, match="report_incomplete"):
        report(project, staff_of(project), achievements="")
    saved = report(project, staff_of(project))
    assert (saved.state, saved.percent) == (ReportState.submitted, 30)
    with pytest.raises(PlanError, match="report_locked"):
        report(project, staff_of(project), percent=40)


def test_the_office_returns_a_report_with_a_comment_and_the_unit_revises_it(planning, published):
    office, project = planning["office"], published.projects[0]
    staff = staff_of(project, email="unit@example.cn")
    sent = report(project, staff)
    with pytest.raises(PlanError, match="return_comment_required"):
        progress.review_report(actor=office, report=sent, accept=False)
    progress.review_report(actor=office, report=sent, accept=False, comment="请补充网格员配置情况")
    assert sent.state is ReportState.returned
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "unit@example.cn"))
    assert "请补充网格员配置情况" in mail.body
    revised = report(project, staff, achievements="完成方案制定，网格员按每格1人配置")
    progress.review_report(actor=office, report=revised, accept=True)
    assert revised.state is ReportState.accepted
    with pytest.raises(PlanError, match="report_not_submitted"):
        progress.review_report(actor=office, report=revised, accept=True)


def test_missing_reports_are_listed_and_their_lead_units_reminded(planning, published):
    office = planning["office"]
    first, second, third = published.projects
    report(first, staff_of(first))
    report(second, staff_of(second), submit=False)  # a draft has not reached the office
    staff_of(third, email="third@example.cn")
    assert queries.missing_reports(published, 1) == [second, third]
    assert progress.remind_missing(actor=office, plan=published, quarter=1) == 2
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "third@example.cn"))
    assert "第1季度" in mail.subject and third.title in mail.body  # a subject holds no typed text
    assert f"{published.round.year}-03-25" in mail.body  # the report day
    assert [r.projects for r in queries.reminders(published.id, 1)] == [2]


def test_the_progress_page_says_how_units_are_reminded_in_words_not_a_command(client, planning, published):
    client.login(planning["office"])
    page = client.get(f"/plans/{published.id}/progress?quarter=1").get_data(as_text=True)
    assert "提醒" in page and "README" not in page and "flask" not in page


def test_lead_units_are_reminded_once_a_week_before_the_deadline(app, planning, published):
    year = published.round.year
    first, second, third = published.projects
    staff_of(third, email="third@example.cn")
    report(first, staff_of(first))
    runner = app.test_cli_runner()
    early = runner.invoke(args=["plan", "remind-progress", "--today", f"{year}-03-17"])
    assert "No report falls due soon" in early.output  # eight days before the 25th
    due = runner.invoke(args=["plan", "remind-progress", "--today", f"{year}-03-18"])
    assert "Q1\t2 projects" in due.output
    again = runner.invoke(args=["plan", "remind-progress", "--today", f"{year}-03-20"])
    assert "No report falls due soon" in again.output  # one reminder a quarter
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "third@example.cn")).all()
    assert len(mails) == 1


def test_the_office_sets_the_report_day_and_the_deadline_follows(planning, published):
    office = planning["office"]
    with pytest.raises(PlanError, match="report_day_out_of_range"):
        progress.set_report_day(actor=office, plan=published, day=31)
    progress.set_report_day(actor=office, plan=published, day=10)
    assert queries.report_deadline(published, 2).isoformat() == f"{published.round.year}-06-10"
    assert progress.remind_before_deadline(today=queries.report_deadline(published, 2), days=0)[0][1:] == (2, 3)


def test_the_unit_reports_from_its_page_and_the_office_accepts_from_the_plans(client, planning, published):
    project = published.projects[0]
    staff = staff_of(project)
    client.login(staff)
    page = client.get("/progress").get_data(as_text=True)
    assert project.title in page
    form = {"percent": "45", "status": "lagging", "achievements": "", "problems": "征地拆迁滞后", "action": "submit"}
    refused = client.post(f"/key-projects/{project.id}/progress/2", data=form)
    assert refused.status_code == 400 and "征地拆迁滞后" in refused.get_data(as_text=True)
    assert (
        client.post(f"/key-projects/{project.id}/progress/2", data=form | {"achievements": "完成一期"}).status_code
        == 302
    )
    client.login(planning["office"])
    page = client.get(f"/plans/{published.id}/progress?quarter=2").get_data(as_text=True)
    assert "完成一期" in page and "滞后" in page and "未报送" in page
    assert "采纳</button>" in page and "受理</button>" not in page  # a report is adopted, as its status says
    saved = queries.report_of(project.id, 2)
    client.post(f"/progress-reports/{saved.id}/review", data={"accept": "1"})
    assert saved.state is ReportState.accepted
    public = client.get(f"/plans/{published.id}").get_data(as_text=True)
    assert "第2季度 · 45% · 滞后" in public


def test_another_units_staff_cannot_open_the_report_form(client, published):
    client.login(make_user(role="unit_staff"))
    assert client.get(f"/key-projects/{published.projects[0].id}/progress/1").status_code == 403


def test_a_resident_sees_the_key_project_their_suggestion_fed_and_its_progress(client, planning, published):
    office, project, suggestion = planning["office"], published.projects[0], planning["suggestion"]
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert "已成为重点改革项目" in page and f"一、{project.title}" in page and "尚未报送" in page
    sent = report(project, staff_of(project), quarter=1, percent=25, achievements="完成网格划分")
    progress.review_report(actor=office, report=sent, accept=True)
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert "第1季度 · 25% · 正常推进" in page and "完成网格划分" in page
    public = client.get(f"/plans/{published.id}").get_data(as_text=True)
    assert queries.public_project_facts(published.id)[project.id].suggestions == 1
    assert '<td class="num beside">1</td>' in public


def test_a_resident_sees_the_project_as_published_not_the_new_version_drafted(client, planning, published):
    office, project, suggestion = planning["office"], published.projects[0], planning["suggestion"]
    published_title = project.title
    services.transition_plan(actor=office, plan=published, target=PlanStatus.draft)  # start a new version
    key_projects.update_key_project(
        actor=office,
        project=project,
        fields={"title": "试点网格无人机巡查", "lead_leader": "李明", "lead_unit_id": project.lead_unit_id},
    )
    page = client.get(f"/track?code={suggestion.tracking_code}").get_data(as_text=True)
    assert f"一、{published_title}" in page and "高自民" in page
    assert "无人机" not in page and "李明" not in page


def test_the_bulletin_puts_lagging_projects_first_and_is_issued_once(client, planning, published):
    from docx import Document

    office = planning["office"]
    first, second, third = published.projects
    report(first, staff_of(first), percent=60)
    report(second, staff_of(second), percent=20, status=ProgressStatus.lagging, problems="征地进度滞后")
    rows = queries.bulletin_rows(published, 1)
    assert [project for project, _report in rows] == [second, third, first]  # lagging, missing, on track
    client.login(office)
    form = {"summary": "总体推进顺利。", f"remark_{second.id}": "请区领导协调征地", "action": "save"}
    assert client.post(f"/plans/{published.id}/bulletins/1", data=form).status_code == 302
    page = client.get(f"/plans/{published.id}/bulletins/1").get_data(as_text=True)
    assert page.index(second.title) < page.index(third.title) < page.index(first.title)
    assert "请区领导协调征地" in page and "未报送" in page and "通报已保存" in page
    issued = client.post(f"/plans/{published.id}/bulletins/1", data=form | {"action": "issue"}, follow_redirects=True)
    assert "通报已印发" in issued.get_data(as_text=True)
    with pytest.raises(PlanError, match="bulletin_issued"):
        bulletins.save_bulletin(actor=office, plan=published, quarter=1, summary="改", remarks={})
    document = client.get(f"/plans/{published.id}/bulletins/1.docx")
    paragraphs = [p.text for p in Document(io.BytesIO(document.data)).paragraphs if p.text]
    title = paragraphs.index(f"{published.title}第1季度跟踪通报")
    assert paragraphs[title + 1 : title + 4] == [
        "总体推进顺利。",
        "社会管理",
        f"二、{second.title}（{second.lead_unit.name}）",
    ]
    assert "改革办意见：请区领导协调征地" in paragraphs and "进展情况：未报送。" in paragraphs
    client.login(make_user(role="leader"))
    assert "请区领导协调征地" in client.get(f"/plans/{published.id}/bulletins/1").get_data(as_text=True)
    assert client.post(f"/plans/{published.id}/bulletins/1", data=form).status_code == 403


def test_the_bulletin_groups_its_projects_under_their_parts_lagging_ones_first_in_each(client, planning):
    from docx import Document

    office = planning["office"]
    plan = services.create_plan(actor=office, round=planning["round"])
    social, livelihood = plan.parts
    moved, second, third = plan.projects
    fields = {"title": moved.title, "part_id": livelihood.id, "lead_unit_id": moved.lead_unit_id}
    key_projects.update_key_project(actor=office, project=moved, fields=fields)
    lead_everything(plan, office)
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office, plan=plan, target=target, meeting="第十三次会议", approved_on=date(2017, 3, 1)
        )
    assert [project.part for project in plan.projects] == [social, social, livelihood]  # 一 二 三
    report(second, staff_of(second), percent=50)
    report(third, staff_of(third), percent=10, status=ProgressStatus.lagging, problems="资金未到位")
    report(moved, staff_of(moved), percent=5, status=ProgressStatus.lagging, problems="征地进度滞后")
    # Part by part in the plan's order; in each, the lagging first: not all lagging projects ahead of the rest.
    assert [project for project, _report in queries.bulletin_rows(plan, 1)] == [third, second, moved]
    client.login(office)
    page = client.get(f"/plans/{plan.id}/bulletins/1").get_data(as_text=True)
    headings = [page.index(f'<h2 class="plan-part">{part.title}</h2>') for part in (social, livelihood)]
    assert headings[0] < page.index(third.title) < page.index(second.title) < headings[1] < page.index(moved.title)
    document = client.get(f"/plans/{plan.id}/bulletins/1.docx")
    paragraphs = [p.text for p in Document(io.BytesIO(document.data)).paragraphs if p.text]
    heads = [paragraphs.index(text) for text in ("社会管理", f"二、{third.title}（{third.lead_unit.name}）")]
    heads += [paragraphs.index(text) for text in (f"一、{second.title}（{second.lead_unit.name}）", "民生事业")]
    heads.append(paragraphs.index(f"三、{moved.title}（{moved.lead_unit.name}）"))
    assert heads == sorted(heads)


def test_the_year_end_assessment_rates_each_project_and_marks_experience_worth_replicating(client, planning, published):
    office, first = planning["office"], published.projects[0]
    client.login(office)
    data = {f"k{first.id}-rating": "excellent", f"k{first.id}-evaluation": "网格化管理经验全市推广"}
    data[f"k{first.id}-replicable"] = "y"
    assert client.post(f"/plans/{published.id}/assessment", data=data).status_code == 302
    assert (first.rating, first.replicable) == (Rating.excellent, True)
    public = client.get(f"/plans/{published.id}").get_data(as_text=True)
    assert "可复制推广" in public
    client.login(make_user(role="leader"))
    page = client.get(f"/plans/{published.id}/assessment").get_data(as_text=True)
    assert "优秀" in page and "网格化管理经验全市推广" in page
    assert client.post(f"/plans/{published.id}/assessment", data=data).status_code == 403


def test_office_assesses_every_project_in_one_table_and_one_bad_row_saves_none_and_keeps_what_was_typed(
    client, planning, published
):
    office = planning["office"]
    first, second, third = published.projects
    good = progress.Assessment(Rating.good, "按期完成", False)
    with pytest.raises(RowsRejected) as rejected:
        progress.assess_key_projects(
            actor=office,
            plan=published,
            assessments={
                first.id: good,
                second.id: progress.Assessment(Rating.fair, " "),
                third.id: progress.Assessment(None, "无评级"),
            },
        )
    assert [(line, column) for line, column, _message in rejected.value.problems] == [(2, "evaluation"), (3, "rating")]
    assert first.rating is None  # nothing saved
    with pytest.raises(PlanError, match="office_only"):
        progress.assess_key_projects(actor=make_user(role="leader"), plan=published, assessments={first.id: good})

    client.login(office)
    data = {f"k{first.id}-rating": "good", f"k{first.id}-evaluation": "按期完成", f"k{second.id}-rating": "fair"}
    refused = client.post(f"/plans/{published.id}/assessment", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "未保存任何内容" in page and "按期完成" in page
    row = page[page.index(f'id="k{second.id}"') : page.index(f'id="k{third.id}"')]
    assert "请填写与评级相应的评价" in row
    assert first.rating is None
    data[f"k{second.id}-evaluation"] = "推进较慢"
    done = client.post(f"/plans/{published.id}/assessment", data=data, follow_redirects=True)
    assert "已记录 2 个项目的考核" in done.get_data(as_text=True)
    assert (first.rating, second.rating, third.rating) == (Rating.good, Rating.fair, None)
    events = select(AuditEvent).where(AuditEvent.action == "key_project.assess")
    assert sorted(event.object_id for event in db.session.scalars(events)) == [first.id, second.id]


def test_the_office_imports_a_quarters_progress_from_its_sheet_all_rows_or_none(client, planning, published):
    from openpyxl import Workbook, load_workbook

    office = planning["office"]
    first, second, third = published.projects
    client.login(office)
    sheet = client.get(f"/plans/{published.id}/progress/import-template.xlsx?quarter=3")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "项目名称", "完成进度", "状态") and [r[0] for r in rows[1:]] == ["一", "二", "三"]

    def upload(lines):
        workbook = Workbook()
        for line in [rows[0], *lines]:
            workbook.active.append(list(line))
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = {"file": (io.BytesIO(buffer.getvalue()), "progress.xlsx")}
        return client.post(f"/plans/{published.id}/progress/import?quarter=3", data=data)

    bad = upload([("一", "", "70", "正常推进", "完成"), ("五", "", "10", "滞后", ""), ("二", "", "150%", "拖延", "")])
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "没有编号为 五 的项目" in text and "完成进度应在 0 到 100 之间" in text and "未导入" in text
    assert queries.report_of(first.id, 3) is None  # the good row went with the rest
    good = upload(
        [
            ("一", "", "70%", "正常推进", "完成二期"),
            ("2", "", "40", "滞后", "征地受阻"),
            ("三、", "", "100", "已完成", ""),
        ]
    )
    assert good.status_code == 302
    reports = [queries.report_of(p.id, 3) for p in (first, second, third)]
    assert [(r.percent, r.status, r.state) for r in reports] == [
        (70, ProgressStatus.on_track, ReportState.accepted),
        (40, ProgressStatus.lagging, ReportState.accepted),
        (100, ProgressStatus.completed, ReportState.accepted),
    ]


def test_the_battle_map_draws_milestones_against_progress(client, planning, published):
    from plan.battle_map import battle_map_svg

    svg = battle_map_svg(
        [
            {
                "number": "一",
                "title": "推进<网格>管理",
                "milestones": {1: "方案", 2: "试点"},
                "reports": {1: (25, "lagging")},
            },
            {"number": "二", "title": "家庭医生", "milestones": {}, "reports": {}},
        ],
        title="2017年挂图作战",
        quarter_labels=["Q1", "Q2", "Q3", "Q4"],
        status_labels={"lagging": "滞后"},
    )
    assert "<title>2017年挂图作战</title>" in svg  # its name for screen readers
    assert svg.startswith("<svg") and "&lt;网格&gt;" in svg and "<网格>" not in svg  # text is escaped
    assert 'width="150.0"' in svg and "#b42318" in svg and "25% · 滞后" in svg  # a quarter of the year, lagging red
    assert svg.count("<path") == 2 and svg.count('fill="#1f2933"') == 1  # Q1's milestone reported, Q2's to come
    first = published.projects[0]
    report(first, staff_of(first), percent=60)  # submitted: it has reached the office
    report(published.projects[1], staff_of(published.projects[1]), percent=90, submit=False)  # a draft has not
    client.login(make_user(role="leader"))
    page = client.get(f"/plans/{published.id}/battle-map").get_data(as_text=True)
    assert "<svg" in page and first.title[:10] in page
    assert "60% · 正常推进" in page and "90%" not in page


def test_a_merged_suggestions_resident_sees_what_the_original_became_and_the_api_names_it(client, planning, published):
    office, project, original = planning["office"], published.projects[0], planning["suggestion"]
    copy = Suggestion(  # received while the round was soliciting, triaged now
        round=planning["round"],
        tracking_code="GRIDCOPY2017AAAA",
        title="网格员不够用",
        content="同上",
        channel=Channel.web,
    )
    db.session.add(copy)
    db.session.commit()
    suggestions.mark_duplicate(actor=office, suggestion=copy, original=original)
    page = client.get(f"/track?code={copy.tracking_code}").get_data(as_text=True)
    assert "已成为重点改革项目" in page and f"一、{project.title}" in page
    assert f'{planning["proposals"][0].title} <span class="muted">· 确定为重点改革项目' in page
    body = client.get(f"/api/v1/suggestions/{copy.tracking_code}").get_json()
    assert body["key_projects"] == [
        {"plan": published.title, "number": "一", "title": project.title, "lead_unit": project.lead_unit.name}
    ]
    assert body["proposals"] == [{"title": planning["proposals"][0].title, "outcome": "确定为重点改革项目"}]
    assert body["linked_proposals"] == 1
