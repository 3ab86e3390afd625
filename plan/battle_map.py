"""挂图作战: the year's battle map as SVG, drawn on the server — every project's quarterly milestones against its
reported progress, readable on screen and on paper, with no script and no outside asset."""

from xml.sax.saxutils import escape

LABEL_WIDTH, QUARTER_WIDTH, ROW_HEIGHT, HEAD, PART_HEIGHT = 260, 150, 44, 34, 30
COLOURS = {"on_track": "#1e7b34", "lagging": "#b42318", "completed": "#0b5cad", None: "#9aa5b1"}


def battle_map_svg(rows: list[dict], *, title: str, quarter_labels: list[str], status_labels: dict[str, str]) -> str:
    """One row a project: a bar of its latest share done across the year, coloured by its status, and a
    diamond at the end of each quarter that has a milestone (filled once that quarter's report is in).

    `rows` are dicts of number, title, milestones {quarter: target} and reports {quarter: (percent, status)}, and
    part: the heading of the part (板块) each begins, drawn above the first of its rows.
    """
    parts_of = [row.get("part", "") for row in rows]
    headings = [part if part != before else "" for part, before in zip(parts_of, ["", *parts_of], strict=False)]
    width = LABEL_WIDTH + 4 * QUARTER_WIDTH + 20
    height = HEAD + ROW_HEIGHT * len(rows) + PART_HEIGHT * sum(1 for h in headings if h) + 10
    year = 4 * QUARTER_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" class="battle-map" font-size="13"><title>{escape(title)}</title>'
    ]
    for index, label in enumerate(quarter_labels):
        x = LABEL_WIDTH + index * QUARTER_WIDTH
        parts.append(f'<line x1="{x}" y1="{HEAD - 8}" x2="{x}" y2="{height - 6}" stroke="#d5dbe1"/>')
        centre = x + QUARTER_WIDTH / 2
        parts.append(
            f'<text x="{centre}" y="{HEAD - 14}" text-anchor="middle" font-weight="600">{escape(label)}</text>'
        )
    top = HEAD
    for row, heading in zip(rows, headings, strict=True):
        if heading:
            parts.append(f'<text x="6" y="{top + PART_HEIGHT - 9}" font-weight="600">{escape(heading)}</text>')
            top += PART_HEIGHT
        middle = top + ROW_HEIGHT / 2
        top += ROW_HEIGHT
        title = f"{row['number']}、{row['title']}"
        shown = title if len(title) <= 18 else title[:17] + "…"
        parts.append(f'<text x="6" y="{middle + 4}"><title>{escape(title)}</title>{escape(shown)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{middle - 7}" width="{year}" height="14" rx="3" fill="#eef1f4"/>')
        reported = row["reports"]
        if reported:
            percent, status = reported[max(reported)]
            colour = COLOURS.get(status, COLOURS[None])
            label = f"{percent}% · {status_labels.get(status, '')}"
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{middle - 7}" width="{year * percent / 100:.1f}" height="14" rx="3" '
                f'fill="{colour}"><title>{escape(label)}</title></rect>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{middle - 10}" font-size="11" fill="{colour}">{escape(label)}</text>'
            )
        for quarter, target in sorted(row["milestones"].items()):
            x = LABEL_WIDTH + quarter * QUARTER_WIDTH - 8
            done = quarter in reported
            fill = "#1f2933" if done else "#ffffff"
            parts.append(
                f'<path d="M{x} {middle - 9} L{x + 8} {middle} L{x} {middle + 9} L{x - 8} {middle} Z" '
                f'fill="{fill}" stroke="#1f2933" stroke-width="1.5"><title>{escape(target)}</title></path>'
            )
    parts.append("</svg>")
    return "".join(parts)
