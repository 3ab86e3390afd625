"""The plan and the quarterly bulletin as official documents (.docx) laid out by GB/T 9704-2012 (党政机关公文格式).

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right; a grid of 22 lines of 28 characters; the 版头 (the
issuing organ's name in red over a red rule, with the 发文字号); the title in 方正小标宋简体 二号, the text in
仿宋_GB2312 三号, level-1 headings ("一、") in 黑体, level-2 ("（一）") in 楷体_GB2312; page numbers "— 1 —" in 四号 at
the outer side of the foot (odd pages right, even pages left); the issuing organ and the date at the end, and the
版记 (抄送, 印发机关 and 印发日期) at the foot of the last page. Pure: dicts and a `Letterhead` in, bytes out.
"""

import io
import math
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips

from plan.numerals import chinese_number
from plan.queries.plans import by_part, lead_counts

TITLE_FONT, BODY_FONT, HEADING_FONT, LEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"  # 4号半角宋体阿拉伯数字
TITLE_SIZE, BODY_SIZE, SMALL_SIZE = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
RED = RGBColor(0xFF, 0x00, 0x00)
# Who leads, as the district writes it (区直单位牵头34项、各镇牵头11项): the document is in Chinese whoever takes it.
LEAD_KINDS = {"department": "区直单位", "subdistrict": "各镇（街道）", "stationed": "驻区单位"}

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES, CHARACTERS = 22, 28
TEXT_WIDTH, TEXT_HEIGHT = Emu(PAGE_WIDTH - LEFT - RIGHT), Emu(PAGE_HEIGHT - TOP - BOTTOM)
LINE_PITCH = Twips(TEXT_HEIGHT.twips // LINES)  # 28.95 pt, rounded down: 22 lines fit, every line on the grid
ORGAN_MAX_SIZE = Pt(36)
CONDENSED_TWENTIETHS = -5  # (156 mm / 28 − 16 pt) rounded down to a twentieth of a point


@dataclass(frozen=True)
class Letterhead:
    """What frames a document: the issuing organ (版头, signature), its date, its 发文字号, its 抄送 and 印发机关."""

    issuing_organ: str
    signed_on: date  # 成文日期, also the 印发日期
    document_number: str = ""  # 发文字号, e.g. 深龙改办〔2017〕3号
    copied_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关; the issuing organ when empty


def official_text(project: dict) -> str:
    """ "为解决……问题，……。": the problem and the content as one sentence, as the seed's plan writes them."""
    text = "，".join(part.strip().rstrip("。，") for part in (project["problem"], project["content"]) if part.strip())
    return text + "。" if text else ""


def written_date(day: date) -> str:
    """A date as an official document writes it: 2017年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _width(text: str) -> float:
    """How many characters of the grid a text takes: half a character for a half-width letter or digit."""
    return sum(0.5 if ord(character) < 0x2E80 else 1 for character in text)


def _run(paragraph, text: str, *, font: str = BODY_FONT, size=BODY_SIZE, color=None):
    run = paragraph.add_run(text)
    run.font.name, run.font.size = font, size
    if color is not None:
        run.font.color.rgb = color
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)  # Chinese text uses eastAsia
    return run


def _paragraph(document, *, align=None, indent: bool = True, size=BODY_SIZE, line=LINE_PITCH):
    """A paragraph on the grid: its first line indented two characters unless aligned otherwise."""
    paragraph = document.add_paragraph()
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = 0
    layout.line_spacing = line
    if align is not None:
        paragraph.alignment = align
    elif indent:
        layout.first_line_indent = Emu(size * 2)  # 首行缩进两字
    return paragraph


def _border(paragraph, edge: str, *, size: int, color: str = "000000", space: int = 0) -> None:
    """A rule along one edge of a paragraph, as wide as the text: `size` in eighths of a point."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(
            borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange"
        )
    rule = OxmlElement(f"w:{edge}")
    for name, value in (("val", "single"), ("sz", size), ("space", space), ("color", color)):
        rule.set(qn(f"w:{name}"), str(value))
    borders.append(rule)


def _page_number(footer, *, align) -> None:
    """ "— 1 —" in 四号 宋体, one character in from the outer edge: the PAGE field between two dashes."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    layout = paragraph.paragraph_format
    layout.line_spacing, layout.space_before, layout.space_after = SMALL_SIZE, 0, 0
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = SMALL_SIZE  # 单页码居右空一字
    else:
        layout.left_indent = SMALL_SIZE  # 双页码居左空一字
    _run(paragraph, "— ", font=PAGE_NUMBER_FONT, size=SMALL_SIZE)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = _run(paragraph, "", font=PAGE_NUMBER_FONT, size=SMALL_SIZE)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text
    _run(paragraph, " —", font=PAGE_NUMBER_FONT, size=SMALL_SIZE)


def _new_document(*, title: str, subject: str):
    """An empty A4 document with the margins, grid, fonts and page numbers of GB/T 9704."""
    document = Document()
    document.core_properties.title, document.core_properties.subject = title, subject
    # The defaults and the Normal style: 三号 仿宋, Chinese (the character grid is measured from this size).
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for properties in (defaults, document.styles["Normal"].element.get_or_add_rPr()):
        for name in ("w:rFonts", "w:spacing", "w:sz", "w:szCs", "w:lang"):
            for old in properties.findall(qn(name)):
                properties.remove(old)
        fonts = OxmlElement("w:rFonts")
        for name in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{name}"), BODY_FONT)
        properties.insert(0, fonts)  # first of a run's properties, sizes and language last, as the schema orders them
        condensed = OxmlElement("w:spacing")  # 28 三号 characters to a 156 mm line: each 0.25 pt narrower
        condensed.set(qn("w:val"), str(CONDENSED_TWENTIETHS))
        properties.append(condensed)
        for name in ("w:sz", "w:szCs"):
            size = OxmlElement(name)
            size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
            properties.append(size)
        language = OxmlElement("w:lang")
        language.set(qn("w:val"), "en-US")
        language.set(qn("w:eastAsia"), "zh-CN")
        properties.append(language)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = TOP, BOTTOM, LEFT, RIGHT
    section.header_distance = Mm(15)
    section.footer_distance = Emu(Mm(35 - 7) - SMALL_SIZE)  # the dashes' top 7 mm below the text
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # 22 lines a page on a line grid. A character grid would space 28 characters a line in Word, but LibreOffice
    # gives a 三号 character two of its cells; the text's 0.25 pt condensing gets 28 a line in both.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, align=WD_ALIGN_PARAGRAPH.LEFT)
    return document


def _masthead(document, letterhead: Letterhead) -> None:
    """版头: the issuing organ's name in red 35 mm below the top of the text, the 发文字号 two lines below, a red
    rule 4 mm below that, as wide as the text. None until the office names the issuing organ."""
    if not letterhead.issuing_organ:
        return
    organ = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    size = Pt(min(ORGAN_MAX_SIZE.pt, math.floor(2 * TEXT_WIDTH.pt / max(_width(letterhead.issuing_organ), 1)) / 2))
    organ.paragraph_format.space_before = Mm(35)
    organ.paragraph_format.line_spacing = max(size, LINE_PITCH)
    _run(organ, letterhead.issuing_organ, font=TITLE_FONT, size=size, color=RED)
    ruled = organ
    if letterhead.document_number:
        _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
        number = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
        _run(number, letterhead.document_number)
        ruled = number
    _border(ruled, "bottom", size=12, color="FF0000", space=11)  # 11 pt ≈ 4 mm
    _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)


def _title(document, title: str, subtitle_lines: list[str]) -> None:
    _run(_paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER), title, font=TITLE_FONT, size=TITLE_SIZE)
    for line in subtitle_lines:
        _run(_paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER), line, font=LEAD_FONT)
    _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER)


def _signature(document, letterhead: Letterhead) -> None:
    """发文机关署名 and 成文日期 (no seal): a line below the text, the organ two characters from the right, the
    date below it starting two characters further right, or two from the right when it is the longer."""
    organ, day = letterhead.issuing_organ, written_date(letterhead.signed_on)
    organ_gap = max(2, 4 + _width(day) - _width(organ))
    day_gap = organ_gap + _width(organ) - 2 - _width(day)
    _paragraph(document)
    for text, gap in ((organ, organ_gap), (day, day_gap)) if organ else ((day, 4),):
        paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph.paragraph_format.right_indent = Emu(round(BODY_SIZE * gap))
        paragraph.paragraph_format.keep_with_next = text != day  # the organ is not left without its date
        _run(paragraph, text)


def _frame(paragraph, *, top: int, height: int) -> None:
    """Make a paragraph a frame as wide as the text, `top` twips below the text's top edge, `height` twips high,
    the text kept above and below it (w:framePr, which Word and LibreOffice both place)."""
    frame = OxmlElement("w:framePr")
    attributes = {"w": round(TEXT_WIDTH.twips), "h": height, "hRule": "exact", "wrap": "notBeside"}
    attributes |= {"hAnchor": "margin", "xAlign": "center", "vAnchor": "margin", "y": top}
    for name, value in attributes.items():
        frame.set(qn(f"w:{name}"), str(value))
    paragraph._p.get_or_add_pPr().insert_element_before(
        frame, *(f"w:{name}" for name in ("widowControl", "numPr", "pBdr", "shd", "tabs", "spacing", "ind", "jc"))
    )


def _record(document, letterhead: Letterhead) -> None:
    """版记 at the foot of the last page, its last rule on the text's bottom edge (GB/T 9704): 抄送, then the
    印发机关 with its date, in 四号 仿宋 a character in from the side, under a thick rule, between them a thin one,
    and a thick one below.

    Each row is a frame placed from the text's top edge, with its rules as its paragraph's borders: LibreOffice 7.4
    places a floating table where it stands and drops a frame of two paragraphs that have borders, so the PDF would
    differ from Word. A row takes the lines its text needs, counted at 四号 uncondensed (a line too many, never one
    too few)."""
    rows = []
    if letterhead.copied_to:
        rows.append("\u3000抄送：" + letterhead.copied_to.rstrip("。") + "。")
    # 印发日期: the day it is signed, as the platform issues a document the day it is published
    rows.append(f"\u3000{letterhead.printed_by or letterhead.issuing_organ}\t{written_date(letterhead.signed_on)}印发")
    per_line = math.floor(TEXT_WIDTH.pt / SMALL_SIZE.pt)
    heights = [math.ceil(_width(text.replace("\t", "")) / per_line) * LINE_PITCH.twips for text in rows]
    bottom = math.floor(TEXT_HEIGHT.twips)
    for index, (text, height) in enumerate(zip(rows, heights, strict=True)):
        paragraph = _paragraph(document, indent=False)
        _frame(paragraph, top=bottom - sum(heights[index:]), height=height)
        if index == 0:
            _border(paragraph, "top", size=8)  # 0.35 mm
        _border(paragraph, "bottom", size=8 if index == len(rows) - 1 else 6)  # 0.35 mm under the last, else 0.25
        if "\t" in text:  # the date a character in from the right
            paragraph.paragraph_format.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - SMALL_SIZE), WD_TAB_ALIGNMENT.RIGHT)
        _run(paragraph, text, size=SMALL_SIZE)
    # The paragraph the frames stand on: LibreOffice makes frames of framed paragraphs only once one follows them.
    _paragraph(document, indent=False, line=Pt(1))


def _approval_line(snapshot: dict) -> str:
    approved = date.fromisoformat(snapshot["approved_on"])
    return f"（{written_date(approved)}{snapshot['meeting']}审议通过）"


def _round_line(round_title: str, title: str) -> list[str]:
    """The round's name under the title, where the document's own title does not already say it."""
    return [f"（{round_title}）"] if round_title and round_title != title else []


def _labelled(document, number: int, label: str, text: str) -> None:
    """A level-2 item: "（一）label。" in 楷体, then its text in 仿宋."""
    paragraph = _paragraph(document)
    _run(paragraph, f"（{chinese_number(number)}）{label}。", font=LEAD_FONT)
    _run(paragraph, text)


def _project(document, project: dict) -> None:
    """ "一、title。为解决……问题，……" with its principles, innovation, goals and milestones as level-2 items,
    then who leads it and who cooperates."""
    paragraph = _paragraph(document)
    _run(paragraph, f"{project['number']}、{project['title']}。", font=HEADING_FONT)
    _run(paragraph, official_text(project))
    milestones = project.get("milestones") or {}
    items = [
        (label, project.get(key, "").strip())
        for label, key in (("基本原则", "principles"), ("创新性和领先性", "innovation"), ("改革目标", "goals"))
    ]
    items.append(
        (
            "节点目标",
            "；".join(
                f"第{chinese_number(int(quarter))}季度，{target.strip().rstrip('。；')}"
                for quarter, target in sorted(milestones.items())
            )
            + ("。" if milestones else ""),
        )
    )
    for number, (label, text) in enumerate([item for item in items if item[1]], start=1):
        _labelled(document, number, label, text)
    lead = f"牵头区领导：{project['lead_leader'] or '—'}；牵头单位：{project['lead_unit'] or '—'}"
    if project.get("cooperating_units"):
        lead += f"；配合单位：{project['cooperating_units']}"
    _run(_paragraph(document), lead, font=LEAD_FONT)


def _part_heading(document, part: str) -> None:
    """A part's (板块) heading before its projects, centred in 黑体; none for the projects in no part."""
    if part:
        _run(_paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER), part, font=HEADING_FONT)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx(snapshot: dict, letterhead: Letterhead) -> bytes:
    """The plan's text from a snapshot as an official document: every field its page shows."""
    round_title = snapshot.get("round_title", "")
    document = _new_document(title=snapshot["title"], subject=round_title)
    _masthead(document, letterhead)
    lines = [_approval_line(snapshot)] if snapshot.get("meeting") and snapshot.get("approved_on") else []
    _title(document, snapshot["title"], lines + _round_line(round_title, snapshot["title"]))
    counts = lead_counts(snapshot["projects"])
    if counts:
        _run(_paragraph(document), "其中" + "、".join(f"{LEAD_KINDS[k.value]}牵头{n}项" for k, n in counts) + "。")
    for part, projects in by_part(snapshot["projects"]):
        _part_heading(document, part)
        for project in projects:
            _project(document, project)
    _signature(document, letterhead)
    _record(document, letterhead)
    return _saved(document)


def _bulletin_row(document, row: dict) -> None:
    """ "一、title（lead unit）" in 黑体, then its progress, problems and the office's remark, each labelled in 楷体."""
    _run(_paragraph(document), f"{row['number']}、{row['title']}（{row['lead_unit']}）", font=HEADING_FONT)
    if row["status"] is None:
        progress = "未报送。"
    else:
        progress = f"{row['status']}，完成{row['percent']}%。{row['achievements']}".rstrip()
    for label, text in (("进展情况", progress), ("存在问题", row["problems"]), ("改革办意见", row["remark"])):
        if text:
            paragraph = _paragraph(document)
            _run(paragraph, f"{label}：", font=LEAD_FONT)  # level 2, in 楷体
            _run(paragraph, text)


def bulletin_docx(
    *, plan_title: str, round_title: str, quarter: int, summary: str, rows: list[dict], letterhead: Letterhead
) -> bytes:
    """季度跟踪通报: the overall remarks, then each project with its status and the office's remark, under its
    part's heading where the plan has parts (lagging ones first in each).

    `rows` are dicts of part, number, title, lead_unit, status (None: no report came in), percent, achievements,
    problems, remark, in the order the bulletin gives them.
    """
    title = f"{plan_title}第{quarter}季度跟踪通报"
    document = _new_document(title=title, subject=round_title)
    _masthead(document, letterhead)
    _title(document, title, _round_line(round_title, plan_title))
    if summary:
        _run(_paragraph(document), summary)
    for part, part_rows in by_part(rows):
        _part_heading(document, part)
        for row in part_rows:
            _bulletin_row(document, row)
    _signature(document, letterhead)
    _record(document, letterhead)
    return _saved(document)
