"""The plan and the bulletins as official documents (GB/T 9704-2012): the Word files as an office opens them, and
the PDFs the worker makes once and stores. The PDF tests need LibreOffice and poppler-utils (`soffice`, `pdffonts`,
`pdftoppm`); each conversion takes seconds, so there are two."""

import io
import re
import shutil
import subprocess
from datetime import UTC, date
from pathlib import Path
from typing import NamedTuple

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from accounts.services import update_site_settings
from core.clock import zone
from core.pdf import docx_to_pdf
from extensions import db
from jobs.models import Job, JobState
from jobs.services import run_pending
from plan import queries
from plan.models import DocumentPdf, PlanStatus
from plan.services import bulletins, key_projects
from plan.services import plans as services
from plan.word_documents import Letterhead, plan_docx, written_date
from tests.plan.conftest import lead_everything

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
OFFICIAL_FONTS = {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"}
ORGAN = "中共深圳市龙岗区委全面深化改革委员会办公室"
needs_pdf_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("soffice", "pdffonts", "pdftoppm")),
    reason="the PDF of a document needs LibreOffice (soffice) and poppler-utils (pdffonts, pdftoppm): "
    "apt-get install libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-ukai poppler-utils",
)


@pytest.fixture
def official(planning):
    """The office's settings for its documents, and its plan with every field filled, approved with a 发文字号 and
    published."""
    office = planning["office"]
    run_pending()  # what the worker had to do before (near-copies of the round's suggestions) is done
    update_site_settings(
        actor=office,
        district_name="龙岗区",
        organiser="",
        contact="",
        issuing_organ=ORGAN,
        copied_to="区委办，区政府办",
        printed_by="深圳市龙岗区委改革办",
    )
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    first, second = plan.projects[:2]
    key_projects.update_key_project(
        actor=office,
        project=first,
        fields={
            "title": "推进网格管理标准化",
            "problem": "为解决网格业务涉及事项多而杂等问题",
            "principles": "坚持问题导向",
            "content": "系统性规范网格化管理全流程。",
            "goals": "全区网格标准化率达100%",
            "lead_leader": "高自民",
            "lead_unit_id": first.lead_unit_id,
        },
        cooperating_unit_ids=[second.lead_unit_id],
        milestones={1: "完成调研", 2: "出台方案", 3: "", 4: "全面推开"},
    )
    for target in (PlanStatus.submitted_for_review, PlanStatus.approved, PlanStatus.published):
        services.transition_plan(
            actor=office,
            plan=plan,
            target=target,
            meeting="区委全面深化改革领导小组第十三次会议",
            approved_on=date(2017, 3, 1),
            document_number="深龙改办〔2017〕3号",
        )
    return plan


def official_format(data: bytes) -> list[str]:
    """Check a document's page, margins, grid, fonts and page numbers as GB/T 9704 sets them; its paragraphs."""
    document = Document(io.BytesIO(data))
    [section] = document.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(margin.mm) for margin in margins] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert int(grid.get(qn("w:linePitch"))) * 22 <= Mm(297 - 37 - 35).twips  # 22 lines a page
    # 28 characters of 三号 to the 156 mm line: each condensed by the Normal style
    normal = document.styles["Normal"]
    condensed = int(normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert normal.font.size == Pt(16) and (16 + condensed) * 28 <= Mm(156).pt < (16 + condensed) * 29
    declared = {font.get(qn("w:eastAsia")) for font in document.element.body.iter(qn("w:rFonts"))}
    assert declared >= OFFICIAL_FONTS
    # Page numbers "— 1 —" in 四号 at the foot, odd pages on the right, even pages on the left.
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        [number] = footer.paragraphs
        assert number.text == "— 1 —" and number.alignment == side
        assert {run.font.size for run in number.runs} == {Pt(14)}
        assert [text.text for text in number._p.iter(qn("w:instrText"))] == [" PAGE "]
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text]


def record_rows(data: bytes) -> list[str]:
    """The 版记's rows, each a frame at the foot of the page: 抄送, then 印发机关 and its date (a character in from
    the left, the ideographic space left out)."""
    paragraphs = Document(io.BytesIO(data)).paragraphs
    framed = [p for p in paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:framePr")) is not None]
    return [paragraph.text.removeprefix("\u3000") for paragraph in framed]


def test_the_published_plan_is_an_official_document_with_every_field_of_its_page(client, official):
    data = client.get(f"/plans/{official.id}/published.docx").data
    paragraphs = official_format(data)
    head = Document(io.BytesIO(data)).paragraphs[0]
    assert head.text == ORGAN and {str(run.font.color.rgb) for run in head.runs} == {"FF0000"}  # in red
    assert paragraphs[:4] == [
        ORGAN,
        "深龙改办〔2017〕3号",
        official.title,
        "（2017年3月1日区委全面深化改革领导小组第十三次会议审议通过）",
    ]
    assert Document(io.BytesIO(data)).core_properties.subject == official.round.title
    first = official.projects[0]
    assert "一、推进网格管理标准化。为解决网格业务涉及事项多而杂等问题，系统性规范网格化管理全流程。" in paragraphs
    assert "（一）基本原则。坚持问题导向" in paragraphs
    assert "（二）改革目标。全区网格标准化率达100%" in paragraphs
    assert "（三）节点目标。第一季度，完成调研；第二季度，出台方案；第四季度，全面推开。" in paragraphs
    cooperating = official.projects[1].lead_unit.name
    assert f"牵头区领导：高自民；牵头单位：{first.lead_unit.name}；配合单位：{cooperating}" in paragraphs
    published_on = official.published_at.replace(tzinfo=UTC).astimezone(zone()).date()  # the district's date
    assert paragraphs[-4:-2] == [ORGAN, f"{published_on.year}年{published_on.month}月{published_on.day}日"]
    assert record_rows(data) == [
        "抄送：区委办，区政府办。",
        f"深圳市龙岗区委改革办\t{published_on.year}年{published_on.month}月{published_on.day}日印发",
    ]


def test_a_bulletin_says_not_reported_without_a_share_and_names_its_plan(client, login_as, official):
    office = login_as("office")
    bulletins.save_bulletin(actor=office, plan=official, quarter=1, summary="总体推进顺利。", remarks={})
    data = client.get(f"/plans/{official.id}/bulletins/1.docx").data
    paragraphs = official_format(data)
    assert paragraphs[:2] == [ORGAN, f"{official.title}第1季度跟踪通报"]
    assert paragraphs.count("进展情况：未报送。") == len(official.projects)
    assert not any("—%" in text for text in paragraphs)
    assert Document(io.BytesIO(data)).core_properties.subject == official.round.title
    assert record_rows(data)[0] == "抄送：区委办，区政府办。"


def test_the_office_sets_what_frames_its_documents_and_a_plans_document_number(client, login_as, planning):
    office = login_as("office")
    settings = {"district_name": "", "organiser": "", "contact": "", "issuing_organ": ORGAN}
    settings |= {"copied_to": "区委办", "printed_by": "区委改革办"}
    assert client.post("/admin/site", data=settings).status_code == 302
    assert "区委改革办" in client.get("/admin/site").get_data(as_text=True)
    plan = services.create_plan(actor=office, round=planning["round"])
    lead_everything(plan, office)
    services.transition_plan(actor=office, plan=plan, target=PlanStatus.submitted_for_review)
    form = {"target": "approved", "meeting": "第十三次会议", "approved_on": "2017-03-01"}
    form |= {"document_number": "深龙改办〔2017〕3号", "lock_version": plan.lock_version}
    assert client.post(f"/plans/{plan.id}/transition", data=form).status_code == 302
    paragraphs = [p.text for p in Document(io.BytesIO(client.get(f"/plans/{plan.id}/plan.docx").data)).paragraphs]
    assert paragraphs[:3] == [ORGAN, "", "深龙改办〔2017〕3号"]
    assert record_rows(client.get(f"/plans/{plan.id}/plan.docx").data)[0] == "抄送：区委办。"


def test_the_operator_queues_the_pdfs_of_documents_published_before_there_were_any(app, official):
    db.session.execute(db.delete(Job))  # as if published before the platform made PDFs
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["plan", "make-pdfs"]).output == "1 PDFs queued.\n"
    [queued] = db.session.scalars(db.select(Job)).all()
    assert queued.payload == {"plan_version_id": queries.published_version(official.id).id}
    assert runner.invoke(args=["plan", "make-pdfs"]).output == "0 PDFs queued.\n"  # it waits already


def pdf_fonts(pdf: Path) -> list[tuple[str, str]]:
    """The PDF's fonts as pdffonts lists them: (name, embedded yes/no)."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
    return [(line.split()[0], line.split()[-5]) for line in lines[2:]]


def saved(name: str, data: bytes) -> Path:
    """Keep a file under test-artifacts/documents/, with its first page as a PNG beside it, for a reader to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(path.with_suffix(""))],
        check=True,
    )
    assert path.with_suffix(".png").stat().st_size > 10_000
    return path


class Line(NamedTuple):
    """A line of a PDF's page as pdftotext -bbox finds it, in points from the page's top."""

    top: float
    bottom: float
    text: str


WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')
TEXT_TOP, TEXT_BOTTOM = Mm(37).pt, Mm(297 - 35).pt  # the text area's edges, from the page's top
PITCH = Mm(297 - 37 - 35).pt / 22


def pdf_lines(pdf: Path) -> list[list[Line]]:
    """Each page's lines of text, top to bottom: the words standing on one line joined without spaces."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        lines: dict[int, Line] = {}
        for top, bottom, word in WORD.findall(page):
            key = round(float(top))
            line = lines.get(key, Line(float(top), float(bottom), ""))
            lines[key] = line._replace(bottom=max(line.bottom, float(bottom)), text=line.text + word)
        pages.append([lines[key] for key in sorted(lines)])
    return pages


def assert_record_at_the_foot(page: list[Line], rows: list[str]) -> None:
    """The 版记's rows are the last lines of the page's text, the last on the text's last line, above the page
    number alone."""
    *text, number = page
    assert re.fullmatch(r"—\d+—", number.text)
    record = text[-len(rows) :]
    assert [line.text.lstrip("\u3000") for line in record] == rows
    assert TEXT_BOTTOM - PITCH <= record[-1].bottom <= TEXT_BOTTOM
    for above, below in zip(record, record[1:], strict=False):
        assert below.top - above.top == pytest.approx(PITCH, rel=0.05)  # row under row, a line apart (and a rule)


@needs_pdf_tools
def test_the_pdf_sets_22_lines_of_28_characters_and_the_record_at_the_foot_of_the_last_page(app):
    project = {"number": "一", "title": "深化改革", "part": "", "problem": "", "content": "深化改革" * 400}
    project |= {"lead_leader": "", "lead_unit": "区发改局"}
    snapshot = {"title": "改革计划", "round_title": "", "projects": [project]}
    letterhead = Letterhead(
        issuing_organ=ORGAN, signed_on=date(2017, 3, 1), copied_to="区委办，区政府办", printed_by="区委改革办"
    )
    pdf = saved("grid.pdf", docx_to_pdf(plan_docx(snapshot, letterhead)))
    pages = pdf_lines(pdf)
    # The second page holds nothing but the paragraph's text: a full page of 三号 仿宋, on the grid.
    *body, number = pages[1]
    assert number.text == "—2—"
    assert len(body) == 22 and [len(line.text) for line in body] == [28] * 22
    assert body[0].top >= TEXT_TOP and body[-1].bottom <= TEXT_BOTTOM
    assert (body[-1].top - body[0].top) / 21 == pytest.approx(PITCH, abs=0.1)
    assert_record_at_the_foot(pages[-1], ["抄送：区委办，区政府办。", "区委改革办2017年3月1日印发"])
    assert ORGAN in [line.text for line in pages[-1]]  # the signature above it on the same page


@needs_pdf_tools
def test_publishing_makes_the_plan_pdf_once_in_the_background_and_readers_download_it(client, official):
    page = client.get(f"/plans/{official.id}").get_data(as_text=True)
    assert "PDF 正在生成" in page
    pending = client.get(f"/plans/{official.id}/published.pdf")
    assert pending.status_code == 404 and "尚未生成" in pending.get_data(as_text=True)
    assert run_pending() == {JobState.done: 1}
    assert run_pending() == {}  # once
    response = client.get(f"/plans/{official.id}/published.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == client.get(f"/plans/{official.id}/published.pdf").data  # the stored file, not made anew
    pdf = saved("plan.pdf", response.data)
    fonts = pdf_fonts(pdf)
    assert fonts and all(embedded == "yes" for _name, embedded in fonts)
    names = " ".join(name for name, _embedded in fonts)
    assert "NotoSerifCJK" in names and "NotoSansCJK" in names and "UKai" in names  # the official fonts' stand-ins
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "A4" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert ORGAN in text and "—1—" in text.replace(" ", "")
    published_on = written_date(official.published_at.replace(tzinfo=UTC).astimezone(zone()).date())
    assert_record_at_the_foot(
        pdf_lines(pdf)[-1], ["抄送：区委办，区政府办。", f"深圳市龙岗区委改革办{published_on}印发"]
    )
    page = client.get(f"/plans/{official.id}").get_data(as_text=True)
    assert f'href="/plans/{official.id}/published.pdf"' in page


@needs_pdf_tools
def test_issuing_a_bulletin_makes_its_pdf_which_the_office_downloads(client, login_as, official):
    office = login_as("office")
    run_pending()  # the plan's own PDF
    assert client.get(f"/plans/{official.id}/bulletins/1.pdf").status_code == 404  # not issued
    issued = bulletins.save_bulletin(
        actor=office, plan=official, quarter=1, summary="总体推进顺利。", remarks={}, issue=True
    )
    job = db.session.scalars(db.select(Job).order_by(Job.id.desc())).first()
    assert (job.kind, job.payload) == ("plan.document_pdf", {"bulletin_id": issued.id})
    assert run_pending() == {JobState.done: 1}
    stored = db.session.scalar(db.select(DocumentPdf).where(DocumentPdf.bulletin_id.is_not(None)))
    assert stored.filename == f"{official.title}第1季度跟踪通报.pdf"
    response = client.get(f"/plans/{official.id}/bulletins/1.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pages = pdf_lines(saved("bulletin.pdf", response.data))
    texts = [line.text for page in pages for line in page]
    assert "进展情况：未报送。" in texts and "社会管理" in texts  # under the heading of its projects' part
    issued_on = written_date(issued.issued_at.replace(tzinfo=UTC).astimezone(zone()).date())
    assert_record_at_the_foot(pages[-1], ["抄送：区委办，区政府办。", f"深圳市龙岗区委改革办{issued_on}印发"])
