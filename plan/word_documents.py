"""The plan as an official document (.docx): title, approval line, numbered projects written as in the seed.

"一、推进……改革。为解决……问题，……" — in the fonts and sizes of government documents (GB/T 9704):
the title in 方正小标宋简体 二号, the text in 仿宋_GB2312 三号, the item headings in 黑体.
"""

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from plan.queries.plans import lead_counts

TITLE_FONT, BODY_FONT, HEADING_FONT, LEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
TITLE_SIZE, BODY_SIZE = Pt(22), Pt(16)
# Who leads, as the district writes it (区直单位牵头34项、各镇牵头11项): the document is in Chinese whoever takes it.
LEAD_KINDS = {"department": "区直单位", "subdistrict": "各镇（街道）", "stationed": "驻区单位"}


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.font.bold = font, size, bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)  # Chinese text uses eastAsia
    return run


def official_text(project: dict) -> str:
    """ "为解决……问题，……。": the problem and the content as one sentence, as the seed's plan writes them."""
    text = "，".join(part.strip().rstrip("。，") for part in (project["problem"], project["content"]) if part.strip())
    return text + "。" if text else ""


def _paragraph(document, *, centred: bool = False):
    paragraph = document.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2  # 首行缩进两字
        paragraph.paragraph_format.line_spacing = Pt(28)
    return paragraph


def _approval_line(snapshot: dict) -> str:
    approved = date.fromisoformat(snapshot["approved_on"])
    return f"（{approved.year}年{approved.month}月{approved.day}日{snapshot['meeting']}审议通过）"


def plan_docx(snapshot: dict) -> bytes:
    """The plan's text from a snapshot as a Word document."""
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, snapshot["title"], font=TITLE_FONT, size=TITLE_SIZE)
    if snapshot.get("meeting") and snapshot.get("approved_on"):
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(line, _approval_line(snapshot), font=LEAD_FONT)
    counts = lead_counts(snapshot["projects"])
    if counts:
        _run(_paragraph(document), "其中" + "、".join(f"{LEAD_KINDS[k.value]}牵头{n}项" for k, n in counts) + "。")
    heading = ""
    for project in snapshot["projects"]:
        if project.get("part", "") not in ("", heading):  # the part's (板块) heading before its first project
            heading = project["part"]
            _run(_paragraph(document, centred=True), heading, font=HEADING_FONT)
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
        paragraph.paragraph_format.line_spacing = Pt(28)
        _run(paragraph, f"{project['number']}、{project['title']}。", font=HEADING_FONT)
        _run(paragraph, official_text(project))
        for label, key in (("改革目标", "goals"), ("创新性和领先性", "innovation")):
            if project.get(key):
                extra = document.add_paragraph()
                extra.paragraph_format.first_line_indent = BODY_SIZE * 2
                _run(extra, f"{label}：{project[key]}")
        lead = document.add_paragraph()
        lead.paragraph_format.first_line_indent = BODY_SIZE * 2
        _run(
            lead,
            f"牵头区领导：{project['lead_leader'] or '—'}；牵头单位：{project['lead_unit'] or '—'}",
            font=LEAD_FONT,
        )
    return _saved(document)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bulletin_docx(*, plan_title: str, quarter: int, summary: str, rows: list[dict]) -> bytes:
    """季度跟踪通报: the overall remarks, then each project (lagging first) with its status and the office's remark.

    `rows` are dicts of number, title, lead_unit, status, percent, achievements, problems, remark.
    """
    document = Document()
    title = f"{plan_title}第{quarter}季度跟踪通报"
    _run(_paragraph(document, centred=True), title, font=TITLE_FONT, size=TITLE_SIZE)
    if summary:
        _run(_paragraph(document), summary)
    for row in rows:
        paragraph = _paragraph(document)
        _run(paragraph, f"{row['number']}、{row['title']}（{row['lead_unit']}）", font=HEADING_FONT)
        _run(_paragraph(document), f"进展情况：{row['status']}，完成{row['percent']}%。{row['achievements']}".rstrip())
        if row["problems"]:
            _run(_paragraph(document), f"存在问题：{row['problems']}")
        if row["remark"]:
            _run(_paragraph(document), f"改革办意见：{row['remark']}", font=LEAD_FONT)
    return _saved(document)
