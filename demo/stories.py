"""Demo content beyond the seed: who proposed the 2017 projects, and the next round's proposals and suggestions.

The 2017 lead units follow the article where it names them (区政务办、发改局、科创局、教育局, 平湖街道's
pilot); the others are the departments such projects belong to. The next round's texts draw on the
Jinwan 2023 tasks (拿地即开工, 守信快批, 老旧小区物业, 智慧养老, 田长制).
"""

from solicitation.models import Channel

# Units the seed does not name, so that every kind of unit can be explored: (name, kind value)
EXTRA_UNITS = [
    ("区卫生计生局", "department"),
    ("区人力资源局", "department"),
    ("区委组织部", "department"),
    ("区土地整备局", "department"),
    ("区集体资产管理办公室", "department"),
    ("布吉街道", "subdistrict"),
    ("坂田街道", "subdistrict"),
    ("横岗街道", "subdistrict"),
    ("龙岗供电局", "stationed"),
    ("龙岗海关", "stationed"),
]

# username, name, role, unit (None: no unit). The first block is printed as the demo logins.
DEMO_USERS = [
    ("office", "李明（改革办）", "office", "区委改革办"),
    ("unit.zhengwuban", "张伟（区政务办）", "unit_staff", "区政务办"),
    ("unit.pinghu", "陈静（平湖街道）", "unit_staff", "平湖街道"),
    ("unit.gongdian", "黄海（龙岗供电局）", "unit_staff", "龙岗供电局"),
    ("expert.liu", "刘教授（深圳大学）", "expert", None),
    ("expert.zhou", "周研究员（区发改局）", "expert", "区发改局"),
    ("leader.gao", "高自民", "leader", None),
    ("leader.dai", "戴斌", "leader", None),
]
# Staff of the other proposing units, so that every proposal has an author.
AUTHORS = [
    ("unit.fagaiju", "赵强（区发改局）", "区发改局"),
    ("unit.kechuangju", "孙丽（区科创局）", "区科创局"),
    ("unit.jiaoyuju", "周敏（区教育局）", "区教育局"),
    ("unit.weijiju", "吴刚（区卫生计生局）", "区卫生计生局"),
    ("unit.renliju", "郑华（区人力资源局）", "区人力资源局"),
    ("unit.zuzhibu", "冯军（区委组织部）", "区委组织部"),
    ("unit.tudiju", "陈涛（区土地整备局）", "区土地整备局"),
    ("unit.jizichan", "褚燕（区集体资产管理办公室）", "区集体资产管理办公室"),
]

# The 2017 key projects by seed number: (proposing unit, category, cooperating units)
LONGGANG_2017 = {
    "一": ("区发改局", "城市建设", ["区土地整备局"]),
    "二": ("区发改局", "经济发展", ["区政务办"]),
    "三": ("平湖街道", "社会管理", ["布吉街道", "坂田街道"]),
    "四": ("区集体资产管理办公室", "经济发展", []),
    "五": ("区人力资源局", "民生事业", ["区教育局"]),
    "六": ("区委组织部", "社会管理", []),
    "七": ("区政务办", "政府职能转变", ["区科创局"]),
    "八": ("区土地整备局", "城市建设", []),
    "九": ("区科创局", "经济发展", []),
    "十": ("区教育局", "民生事业", []),
    "十一": ("区卫生计生局", "民生事业", []),
}

# The next round's proposals: (author username, status to reach, title, category, background, content, goals)
NEXT_PROPOSALS = [
    (
        "unit.fagaiju",
        "submitted",
        "推行产业项目“拿地即开工”",
        "经济发展",
        "为解决产业项目从取得土地到开工审批环节多、周期长的问题。",
        "在土地出让前完成规划设计方案审查，实行施工许可告知承诺，土地交付即核发施工许可。",
        "产业项目从拿地到开工平均用时压减至30天以内。",
    ),
    (
        "unit.zhengwuban",
        "resubmitted",
        "推进“守信快批”当天发证",
        "政府职能转变",
        "为解决守信企业与一般企业审批时限无差别、信用激励不足的问题。",
        "对信用良好的企业实行容缺受理、告知承诺，高频事项当天办结发证。",
        "守信企业高频事项当天办结率达90%。",
    ),
    (
        "unit.pinghu",
        "returned",
        "构建老旧小区物业管理长效机制",
        "社会管理",
        "为解决老旧小区无物业、管理缺位、居民满意度低的问题。",
        "推行街道兜底、社区托管、业主自治相结合的物业管理模式。",
        "",
    ),
    (
        "unit.weijiju",
        "submitted",
        "探索“互联网+”智慧养老服务",
        "民生事业",
        "为解决居家老人照护资源分散、紧急情况响应慢的问题。",
        "建设区级智慧养老服务平台，整合社区长者饭堂、家庭医生和紧急呼叫服务。",
        "覆盖全区80%以上居家高龄老人。",
    ),
    (
        "unit.gongdian",
        "draft",
        "优化工业用户办电流程",
        "经济发展",
        "为解决工业企业办电环节多、接电时间长的问题。",
        "",
        "",
    ),
    (
        "unit.tudiju",
        "withdrawn",
        "建立耕地保护“田长制”",
        "城市建设",
        "为解决耕地保护责任不落地的问题。",
        "建立区、街道、社区三级田长，网格化巡查耕地。",
        "耕地保有量不减少。",
    ),
]
RETURN_REASON = "请补充改革目标及预计成效，并说明与现有物业管理条例的衔接。"

# The next round's suggestions: (channel, title, content, category or None, place, name, phone, email, what happens)
NEXT_SUGGESTIONS = [
    (
        Channel.wechat,
        "政务服务中心周六开放",
        "上班族工作日无法办事，建议政务服务中心周六上午开放。",
        "政府职能转变",
        "龙城街道",
        "刘女士",
        "13600002222",
        "liu@example.cn",
        "adopted",
    ),
    (
        Channel.web,
        "企业开办全程网办",
        "开办企业还需到现场核验，建议全流程网上办理、电子营业执照当场下载。",
        "经济发展",
        "",
        "",
        "",
        "",
        "referred",
    ),
    (
        Channel.mobile,
        "小区加装电梯审批简化",
        "老旧小区加装电梯审批部门多，建议一窗受理。",
        "城市建设",
        "布吉街道",
        "陈先生",
        "13800001234",
        "",
        "accepted",
    ),
    (
        Channel.hotline,
        "长者饭堂覆盖更多社区",
        "社区老人就餐不便，建议每个社区都设长者饭堂。",
        "民生事业",
        "横岗街道",
        "王阿姨",
        "13912345678",
        "",
        "public",
    ),
    (
        Channel.forum,
        "工业园区通勤公交",
        "园区员工通勤难，座谈会上企业代表建议增开园区通勤公交。",
        "城市建设",
        "坂田街道",
        "",
        "",
        "",
        "not_adopted",
    ),
    (
        Channel.letter,
        "学位申请材料精简",
        "来信反映学位申请需提交材料过多，建议部门间数据共享、免于提交。",
        "民生事业",
        "",
        "赵先生",
        "13700009999",
        "",
        "received",
    ),
    (
        Channel.web,
        "企业开办全部网上办",
        "希望企业开办所有手续都能在网上办完，不用跑现场。",
        "经济发展",
        "",
        "",
        "",
        "",
        "duplicate",
    ),
    (Channel.web, "广告", "优惠推广 http://spam.example", None, "", "", "", "", "rejected"),
]
NEXT_IMPORT_CSV = """标题,内容,改革领域,地点,渠道,收到日期,姓名,电话,邮箱,同意使用联系方式
停车位错时共享,建议机关单位停车场夜间向周边居民开放。,社会管理,龙城街道,,,,,,
社区医院延长门诊时间,建议社区健康服务中心晚间开诊。,民生事业,,,,,,,
"""
