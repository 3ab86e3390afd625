"""Category sets taken from the customers' own plans, offered when a round is set up."""

from flask_babel import lazy_gettext as _l

CATEGORY_PRESETS: dict[str, tuple[str, list[str]]] = {
    # 《龙岗区2017年改革计划》: "涵盖了政府职能转变、经济发展、城市建设、社会管理、民生事业等多个领域"
    "longgang": (_l("Longgang 2017: five fields"), ["政府职能转变", "经济发展", "城市建设", "社会管理", "民生事业"]),
    # 《金湾区(开发区)2023年改革攻坚"点题"项目》: four parts
    "jinwan": (_l("Jinwan 2023: four parts"), ["经济提升", "区域提升", "民生提升", "破解难题"]),
}


def preset_choices() -> list[tuple[str, str]]:
    return [(key, label) for key, (label, _names) in CATEGORY_PRESETS.items()]
