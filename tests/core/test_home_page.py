"""The home page as the district's portal for residents: the district's name and emblem, the open round and its
"提建议" button, how many suggestions were received and answered, the newest published plan with its projects'
progress; the organiser and contact at the foot of every page; and the office's page that sets them."""

import io
from datetime import date

import pytest
from lxml import html
from sqlalchemy import select

from accounts.errors import AccountError
from accounts.models import AuditEvent, SiteSettings
from accounts.services import update_site_settings
from core.uploads import UploadError
from extensions import db
from plan.models import PlanStatus, ProgressStatus
from plan.services import key_projects, progress
from plan.services import plans as plan_services
from solicitation.services import suggestions as suggestion_services
from tests.conftest import statements_run
from tests.factories import make_open_round, make_published_plan, make_suggestion, make_unit, make_user

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SETTINGS = {"district_name": "深圳市龙岗区", "organiser": "中共深圳市龙岗区委改革办", "contact": "0755-28949000"}


@pytest.fixture
def uploads(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))


def text_of(page) -> str:
    return " ".join(html.fromstring(page.get_data(as_text=True)).text_content().split())


def test_a_resident_sees_the_district_the_open_round_the_counts_and_the_latest_plan(client):
    office = make_user(role="office")
    update_site_settings(actor=office, **SETTINGS)
    round = make_open_round(title="龙岗区2031年改革计划")
    answered = suggestion_services.accept_suggestion(actor=office, suggestion=make_suggestion(round=round))
    suggestion_services.decide_suggestion(
        actor=office, suggestion=answered, adopted=True, reply="已采纳，纳入重点改革项目。", publish_reply=True
    )
    make_suggestion(round=round)
    unit = make_unit(name="区政务办")
    plan = make_published_plan(office=office, lead_unit=unit, title="推进网格管理标准化")
    project = plan.projects[0]
    report = progress.save_report(
        actor=make_user(role="unit_staff", unit=unit),
        project=project,
        quarter=1,
        percent=40,
        status=ProgressStatus.on_track,
        achievements="完成网格划分",
        submit=True,
    )
    progress.review_report(actor=office, report=report, accept=True)

    page = client.get("/")
    text = text_of(page)
    document = html.fromstring(page.get_data(as_text=True))
    assert "深圳市龙岗区" in text and "龙岗区2031年改革计划" in text
    assert f"征集截至 {round.solicitation_closes:%Y-%m-%d}" in text
    button = document.xpath("//a[contains(@class, 'button-large')]")[0]
    assert button.text_content() == "提建议" and button.get("href") == f"/suggest?round={round.id}"
    assert "已收到建议 2" in text and "改革办已答复 1" in text
    cards = document.xpath("//ul[@class='project-cards']/li")
    assert [" ".join(card.text_content().split()) for card in cards] == [
        "一、推进网格管理标准化 区政务办 40% · 正常推进"
    ]
    assert "主办单位：中共深圳市龙岗区委改革办" in text and "联系方式：0755-28949000" in text


def test_the_home_page_makes_as_few_statements_whatever_the_plan_holds(client, app):
    office = make_user(role="office")
    make_published_plan(office=office, lead_unit=make_unit())
    client.get("/")
    few = statements_run(lambda: client.get("/"))
    make_published_plan(office=office, lead_unit=make_unit(), title="创新家庭医生服务模式")
    make_suggestion()
    client.get("/")  # the new plan's snapshot is read once a process (plan.queries.published_snapshots)
    assert statements_run(lambda: client.get("/")) == few <= 8


def test_the_home_page_shows_every_published_plan_of_the_newest_round(client):
    office, unit = make_user(role="office"), make_unit(name="金湾区发展和改革局")
    make_published_plan(office=office, lead_unit=unit, title="创新家庭医生服务模式")
    newest = make_published_plan(office=office, lead_unit=unit, title="建立健全开发区供热企业定价机制")
    work_points = plan_services.create_plan(
        actor=office, round=newest.round, title="2023年工作要点", from_selection=False
    )
    key_projects.add_key_project(
        actor=office,
        plan=work_points,
        fields={"title": "深化国资国企改革", "lead_leader": "—", "lead_unit_id": unit.id},
    )
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        plan_services.transition_plan(
            actor=office,
            plan=work_points,
            target=target,
            meeting="区委全面深化改革委员会会议",
            approved_on=date(2023, 7, 10),
        )

    document = html.fromstring(client.get("/").get_data(as_text=True))
    headings = [
        " ".join(h.text_content().split()) for h in document.xpath("//section[contains(@class, 'portal-plan')]/h2")
    ]
    assert headings == [newest.title, "2023年工作要点"]
    cards = [" ".join(card.text_content().split()) for card in document.xpath("//ul[@class='project-cards']/li")]
    assert cards == [
        "一、建立健全开发区供热企业定价机制 金湾区发展和改革局 尚无进展报告",
        "一、深化国资国企改革 金湾区发展和改革局 尚无进展报告",
    ]  # the older round's plan is on the list of every plan, not here


def test_with_nothing_set_the_pages_fall_back_to_the_servers_settings(client, app, monkeypatch):
    assert "区委改革办 · 年度改革计划工作流程" in text_of(client.get("/"))
    monkeypatch.setitem(app.config, "DISTRICT_NAME", "珠海市金湾区")
    monkeypatch.setitem(app.config, "ORGANISER", "金湾区委改革办")
    text = text_of(client.get("/heard"))
    assert "主办单位：金湾区委改革办" in text
    assert "珠海市金湾区" in text_of(client.get("/"))
    assert "目前没有正在征集建议的轮次" in text_of(client.get("/"))


@pytest.mark.parametrize(
    ("filename", "data", "content_type"), [("区徽.png", PNG, "image/png"), ("区徽.jpg", JPEG, "image/jpeg")]
)
def test_the_office_can_upload_an_emblem_served_with_its_type_and_kept_by_browsers(
    client, login_as, uploads, filename, data, content_type
):
    login_as("office")
    response = client.post("/admin/site", data={**SETTINGS, "emblem": (io.BytesIO(data), filename)})
    assert response.status_code == 302
    client.post("/logout")
    emblem = html.fromstring(client.get("/").get_data(as_text=True)).xpath("//img[@class='emblem']")[0]
    assert emblem.get("alt") == "深圳市龙岗区区徽"
    answer = client.get(emblem.get("src"))
    assert answer.status_code == 200 and answer.data == data and answer.mimetype == content_type
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in answer.headers.get("Content-Disposition", "")


def test_a_new_emblem_replaces_the_old_whose_address_is_then_gone(client, login_as, uploads):
    office = login_as("office")
    first = update_site_settings(actor=office, **SETTINGS, emblem=("a.png", PNG)).emblem_key
    update_site_settings(actor=office, **SETTINGS, emblem=("b.jpg", JPEG))
    assert client.get(f"/emblem/{first}").status_code == 404
    update_site_settings(actor=office, **SETTINGS, remove_emblem=True)
    assert db.session.get(SiteSettings, 1).emblem_key is None
    assert 'class="emblem"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("区徽.svg", SVG),
        ("区徽.png", SVG),
        ("区徽.png", b"<html><script>alert(1)</script></html>"),
        ("区徽.pdf", b"%PDF-1.4"),
    ],
)
def test_the_office_cannot_use_an_svg_or_any_other_file_as_emblem_and_is_told_why(
    client, login_as, uploads, filename, data
):
    office = login_as("office")
    update_site_settings(actor=office, district_name="龙岗区", organiser="", contact="")
    response = client.post(
        "/admin/site", data={**SETTINGS, "emblem": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "只能使用 PNG 或 JPEG 图片（不接受 SVG 或其他类型的文件）" in page
    assert 'value="深圳市龙岗区"' in page and 'value="0755-28949000"' in page  # what was typed is kept
    settings = db.session.get(SiteSettings, 1)
    assert (settings.district_name, settings.contact, settings.emblem_key) == ("龙岗区", "", None)


def test_a_png_named_as_something_else_is_refused_too(uploads):
    office = make_user(role="office")
    with pytest.raises(UploadError, match="name_mismatch"):
        update_site_settings(actor=office, **SETTINGS, emblem=("区徽.gif", PNG))
    assert db.session.get(SiteSettings, 1) is None


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_can_change_the_site_settings(client, login_as, role):
    user = login_as(role)
    assert client.get("/admin/site").status_code == 403
    assert client.post("/admin/site", data=SETTINGS).status_code == 403
    with pytest.raises(AccountError):
        update_site_settings(actor=user, **SETTINGS)
    assert db.session.get(SiteSettings, 1) is None


def test_a_change_of_the_site_settings_is_in_the_audit_log(client, login_as):
    login_as("office")
    assert client.get("/admin/site").status_code == 200
    assert client.post("/admin/site", data=SETTINGS).status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "site.update"))
    assert event.after["district_name"] == "深圳市龙岗区"
    assert "深圳市龙岗区" in client.get("/admin/site").get_data(as_text=True)
