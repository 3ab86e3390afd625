"""Charts as SVG drawn on the server: horizontal bars, a funnel, a histogram.

Pure functions of their labels and numbers, built from escaped parts: no script, no style of their own, no
outside asset. The text takes the page's font (nothing sets another); colours are presentation attributes, so
they print as they show. Labels are measured (a Chinese character is a full square) so they fit their column;
one too long is cut with "…" and shown whole on hover.
"""

import unicodedata
from collections.abc import Callable
from typing import NamedTuple
from xml.sax.saxutils import escape

FONT, SMALL = 13, 12
PAD, ROW, BAR_HEIGHT, GAP = 8, 30, 18, 22
LABEL_MAX = 300  # the widest label column
AREA = 320  # the length of the longest bar
PLOT, BAND = 150, 52  # the histogram's height, and its least width a band
INK, MUTED, BAR, TRACK, AXIS = "#1f2933", "#5b6875", "#0b5cad", "#e4e7eb", "#9aa5b1"


class Bar(NamedTuple):
    """One row of a bar chart; `note` is written after the bar (the value when None)."""

    label: str
    value: float | None
    note: str | None = None
    colour: str = BAR


def text_width(text: str, size: int = FONT) -> float:
    """About how wide `text` is in pixels: a Chinese character is a square, a Latin one about six tenths of it."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.62 for ch in text)


def fit(text: str, width: float, size: int = FONT) -> str:
    """`text`, cut with "…" if it is wider than `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def number(value: float | None) -> str:
    """A value as the charts write it: whole numbers without a decimal point, none as a dash."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _svg(width: float, height: float, title: str, *, empty: bool = False) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
        f'height="{height:.0f}" role="img" class="{"chart empty" if empty else "chart"}" font-size="{FONT}" '
        f'fill="{INK}"><title>{escape(str(title))}</title>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", width: float | None = None, extra: str = "") -> str:
    """A line of text at (x, baseline y), cut to `width` if given, whole on hover when cut."""
    text = str(text)
    shown = fit(text, width) if width is not None else text
    hover = f"<title>{escape(text)}</title>" if shown != text else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{hover}{escape(shown)}</text>'


def _rect(x: float, y: float, width: float, height: float, colour: str, hover: str = "") -> str:
    title = f"<title>{escape(hover)}</title>" if hover else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{colour}">{title}</rect>'


def _baseline(y_middle: float, size: int = FONT) -> float:
    """The baseline that centres a line of text of `size` on `y_middle`."""
    return y_middle + size * 0.36


def empty_chart(title: str, message: str) -> str:
    """A chart with nothing to draw: it says so."""
    width = max(240, text_width(str(message)) + 2 * PAD)
    return _svg(width, 36, title, empty=True) + _text(PAD, 23, message, extra=f' fill="{MUTED}"') + "</svg>"


def bar_chart(bars: list[Bar], *, title: str, empty: str, maximum: float | None = None) -> str:
    """Horizontal bars, one a row, the label on the left and the note after the bar.

    On a fixed scale (`maximum`, e.g. 100 for a share done) a light track shows the whole scale and the notes line
    up after it; otherwise the longest bar is the largest value. No rows, or nothing to draw on a free scale: the
    chart says `empty` instead.
    """
    top = maximum or max((bar.value or 0 for bar in bars), default=0)
    if not bars or top <= 0:
        return empty_chart(title, empty)
    notes = [number(bar.value) if bar.note is None else str(bar.note) for bar in bars]
    label_width = min(max(text_width(str(bar.label)) for bar in bars), LABEL_MAX)
    x0 = PAD + label_width + PAD
    width = x0 + AREA + 6 + max(text_width(note) for note in notes) + PAD
    height = 2 * PAD + ROW * len(bars)
    parts = [_svg(width, height, title)]
    for index, (bar, note) in enumerate(zip(bars, notes, strict=True)):
        middle = PAD + index * ROW + ROW / 2
        top_edge = middle - BAR_HEIGHT / 2
        parts.append(_text(x0 - PAD, _baseline(middle), bar.label, anchor="end", width=label_width))
        if maximum:
            parts.append(_rect(x0, top_edge, AREA, BAR_HEIGHT, TRACK))
        length = AREA * min(max(bar.value or 0, 0), top) / top
        if length:
            parts.append(_rect(x0, top_edge, max(length, 2), BAR_HEIGHT, bar.colour, f"{bar.label}: {note}"))
        parts.append(_text(x0 + (AREA if maximum else max(length, 2)) + 6, _baseline(middle), note))
    parts.append(f'<line x1="{x0}" y1="{PAD}" x2="{x0}" y2="{height - PAD}" stroke="{AXIS}"/>')
    parts.append("</svg>")
    return "".join(parts)


def funnel_chart(
    steps: list[tuple[str, int]],
    *,
    title: str,
    empty: str,
    conversion: Callable[[str], str],
    aside: list[tuple[str, int]] = (),
) -> str:
    """Steps as bars centred on one axis, each as long as its count against the largest, and between two steps
    the share of the step before that reached the next (`conversion` words it from a share such as "79%").

    Each step must be part of the one before (a share above 100% is no funnel). A count that is not (`aside`) is
    drawn under a rule after the steps, with no share.
    Nothing counted at any step: the chart says `empty` instead.
    """
    rows = [*steps, *aside]
    top = max((count for _label, count in rows), default=0)
    if top <= 0:
        return empty_chart(title, empty)
    label_width = min(max(text_width(str(label)) for label, _count in rows), LABEL_MAX)
    x0 = PAD + label_width + PAD
    centre = x0 + AREA / 2
    width = x0 + AREA + 6 + max(text_width(number(count)) for _label, count in rows) + PAD
    parts, y = [], PAD
    for index, (label, count) in enumerate(rows):
        if index == len(steps):
            parts.append(
                f'<line x1="{PAD}" y1="{y + GAP / 2:.1f}" x2="{width - PAD:.0f}" y2="{y + GAP / 2:.1f}" '
                f'stroke="{AXIS}" stroke-dasharray="4 3"/>'
            )
            y += GAP
        elif 0 < index < len(steps):
            previous = steps[index - 1][1]
            words = "↓ " + conversion(f"{round(100 * count / previous)}%") if previous else "↓"
            parts.append(
                _text(centre, y + GAP - 7, words, anchor="middle", extra=f' fill="{MUTED}" font-size="{SMALL}"')
            )
            y += GAP
        middle = y + ROW / 2
        length = max(AREA * count / top, 2 if count else 0)
        parts.append(_text(x0 - PAD, _baseline(middle), label, anchor="end", width=label_width))
        if length:
            hover = f"{label}: {number(count)}"
            parts.append(_rect(centre - length / 2, middle - BAR_HEIGHT / 2, length, BAR_HEIGHT, BAR, hover))
        parts.append(_text(centre + length / 2 + 6, _baseline(middle), number(count)))
        y += ROW
    height = y + PAD
    return _svg(width, height, title) + "".join(parts) + "</svg>"


def histogram(bands: list[tuple[str, int]], *, title: str, empty: str, axis_label: str) -> str:
    """Vertical bars, one a band of the scale: its count above it, the band below it, and `axis_label` under all.

    Nothing counted in any band: the chart says `empty` instead.
    """
    top = max((count for _band, count in bands), default=0)
    if top <= 0:
        return empty_chart(title, empty)
    band = max(BAND, max(text_width(str(label), SMALL) for label, _count in bands) + PAD)
    left, head = 2 * PAD, FONT + PAD
    base = head + PLOT
    width = max(left + band * len(bands) + PAD, text_width(str(axis_label)) + 2 * PAD)
    height = base + SMALL + 8 + FONT + 8 + PAD
    parts = [_svg(width, height, title)]
    for index, (label, count) in enumerate(bands):
        x, centre = left + index * band, left + index * band + band / 2
        length = PLOT * count / top
        if count:
            parts.append(_rect(x + 4, base - length, band - 8, length, BAR, f"{label}: {count}"))
        parts.append(_text(centre, base - length - 4, number(count), anchor="middle"))
        parts.append(_text(centre, base + SMALL + 4, label, anchor="middle", extra=f' font-size="{SMALL}"'))
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + band * len(bands)}" y2="{base}" stroke="{AXIS}"/>')
    parts.append(_text(width / 2, height - PAD, axis_label, anchor="middle", extra=f' fill="{MUTED}"'))
    parts.append("</svg>")
    return "".join(parts)
