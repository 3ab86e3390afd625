"""The review principles of the customers' plans, offered as a round's starting criteria."""

# 《龙岗区2017年改革计划》: "围绕坚持聚焦区委区政府中心工作,坚持问题导向、需求导向,坚持先行先试,
# 坚持可复制推广等原则" — five principles, weighted equally until the office decides otherwise.
LONGGANG_CRITERIA: list[tuple[str, str, float]] = [
    ("聚焦中心工作", "项目是否聚焦区委区政府中心工作，服务全区发展大局。", 20),
    ("问题导向", "是否针对制约发展的突出问题，写明“为解决……问题”。", 20),
    ("需求导向", "是否回应群众和企业的改革需求、建议，提升居民改革获得感。", 20),
    ("先行先试", "是否具有创新性和领先性，敢闯敢试，在全市乃至全国先行一步。", 20),
    ("可复制推广", "是否能形成可复制推广的经验做法。", 20),
]
DEFAULT_MAX_SCORE = 10
STANDARD_SCALE_LABELS = {0: "不符合", 5: "基本符合", 10: "完全符合"}
# A column the panel fills in but that does not weigh in the total.
PILOT_CRITERION = ("适合试点?", "是否适合先在部分街道、部门试点。", {0: "否", 1: "是"})
