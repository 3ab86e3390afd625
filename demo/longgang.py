"""Read the facts of the Longgang 2017 round out of the seed article (data/longgang-2017-reform-plan.txt)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = Path(__file__).parent / "data" / "longgang-2017-reform-plan.txt"
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class SeedProject:
    """One numbered key project of the plan, split as a proposal is written."""

    number: str
    title: str
    background: str  # "为解决……问题" (or the opening clause where the seed has none)
    content: str


@dataclass
class LonggangSeed:
    year: int
    district: str
    office_unit: str
    categories: list[str]
    lead_units: list[str]
    pilot_subdistricts: list[str]
    leaders: dict[str, str]  # title -> name
    proposals_received: int
    suggestions_received: int
    key_projects: list[SeedProject] = field(default_factory=list)


def _one(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    if not match:
        raise ValueError(f"the seed no longer says {pattern!r}")
    return match.group(1)


def _district_unit(name: str) -> str:
    """'发改局' → '区发改局': the article drops the 区 prefix after the first unit."""
    return name if name.startswith("区") else "区" + name


def parse(text: str) -> LonggangSeed:
    """Extract the round's year, fields, units, leaders, counts and numbered key projects."""
    key_projects = re.findall(r"^\s*([一二三四五六七八九十]{1,3})、(.+?)。(.+)$", text, flags=re.MULTILINE)
    return LonggangSeed(
        year=int(_one(r"《龙岗区?(\d{4})年改革计划》", text)),
        district="龙岗区",
        office_unit=_one(r"龙岗(区委改革办)", text),
        categories=_one(r"涵盖了(.+?)等多个领域", text).split("、"),
        lead_units=[
            _district_unit(name) for name in _one(r"起草情况[,，](.+?)等各重点改革项目牵头单位", text).split("、")
        ],
        pilot_subdistricts=re.findall(r"推广(\w{2}街道)", text),
        leaders={"区委书记": _one(r"区委书记(\w{3})", text), "区长": _one(r"区长(\w{2})", text)},
        proposals_received=int(_one(r"共征集改革项目(\d+)个", text)),
        suggestions_received=int(_one(r"改革需求、建议(\d+)条", text)),
        key_projects=[_project(number, title, rest.strip()) for number, title, rest in key_projects],
    )


def _project(number: str, title: str, rest: str) -> SeedProject:
    match = re.match(r"(为解决.+?问题)[，,](.+)", rest)
    if match:
        return SeedProject(number, title, match.group(1) + "。", match.group(2))
    opening, *content = re.split(r"[，,]", rest, maxsplit=1)
    return SeedProject(number, title, opening + "。", "".join(content))


def load_seed() -> LonggangSeed:
    return parse(SEED.read_text(encoding="utf-8"))
