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
    ("unit.buji", "何伟（布吉街道）", "布吉街道"),
    ("unit.henggang", "邓芳（横岗街道）", "横岗街道"),
    ("unit.bantian", "袁明（坂田街道）", "坂田街道"),
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

# Proposals of 2017 that did not become key projects (Longgang chose 11 of 108):
# (unit, category, title, background, content, goals)
LONGGANG_2017_OTHERS = [
    (
        "区政务办",
        "政府职能转变",
        "推行商事登记全程电子化",
        "为解决商事登记需多次到现场、材料重复提交的问题。",
        "推行网上申请、网上审核、电子营业执照。",
        "商事登记全程网办率达到90%。",
    ),
    (
        "布吉街道",
        "城市建设",
        "建立河长制长效管护机制",
        "为解决河道治理后反弹、管护责任不清的问题。",
        "建立街道、社区两级河长，明确巡河、考核机制。",
        "辖区河道水质稳定达标。",
    ),
    (
        "横岗街道",
        "民生事业",
        "推进社区居家养老服务改革",
        "为解决居家老人照料服务供给不足的问题。",
        "引入社会组织运营社区日间照料中心。",
        "每个社区建成一个日间照料中心。",
    ),
    (
        "坂田街道",
        "社会管理",
        "探索垃圾分类市场化运作",
        "为解决垃圾分类参与率低、运营成本高的问题。",
        "通过政府购买服务引入专业企业运营分类收运。",
        "垃圾分类参与率达到60%。",
    ),
    (
        "区科创局",
        "经济发展",
        "建立科技金融风险补偿机制",
        "为解决科技型中小企业融资难的问题。",
        "设立风险补偿资金池，引导银行发放知识产权质押贷款。",
        "年度新增科技贷款5亿元。",
    ),
    (
        "区教育局",
        "民生事业",
        "推行中小学课后延时服务",
        "为解决双职工家庭放学后接送难的问题。",
        "学校提供课后托管和兴趣课程，家长自愿参加。",
        "全区公办中小学全部开展课后服务。",
    ),
    (
        "龙岗供电局",
        "城市建设",
        "推行低压小微企业办电“三零”服务",
        "为解决小微企业办电环节多、成本高的问题。",
        "实行零上门、零审批、零投资的低压办电服务。",
        "小微企业办电时间压减至5个工作日。",
    ),
    (
        "区卫生计生局",
        "民生事业",
        "深化公立医院薪酬制度改革",
        "为解决医务人员薪酬激励不足的问题。",
        "建立以岗位价值和绩效为核心的薪酬分配制度。",
        "医务人员薪酬中固定部分占比合理提高。",
    ),
    (
        "区人力资源局",
        "经济发展",
        "建立高层次人才服务专员制度",
        "为解决高层次人才办事分散、服务不到位的问题。",
        "为每位高层次人才配备服务专员，提供一站式服务。",
        "高层次人才服务满意度达95%。",
    ),
]

# The review panel: username, name, institution (when no district unit), unit, expertise, max load, bias.
# 王教授 is the harsh one the calibration should find; 周研究员 works for 区发改局 (conflicts).
REVIEW_EXPERTS = [
    ("expert.liu", "深圳大学", None, "政府职能转变、经济发展", 15, 0.5),
    ("expert.zhou", "", "区发改局", "经济发展、城市建设", 15, 0.0),
    ("expert.wang", "中山大学", None, "社会管理、民生事业", 15, -2.0),
    ("expert.chen", "深圳市委党校", None, "社会管理、政府职能转变", 15, 0.0),
    ("expert.sun", "深圳市社会科学院", None, "民生事业、城市建设", 15, 0.3),
]
EXTRA_EXPERT_USERS = [
    ("expert.wang", "王教授（中山大学）"),
    ("expert.chen", "陈教授（深圳市委党校）"),
    ("expert.sun", "孙研究员（深圳市社会科学院）"),
]

REVIEW_COMMENTS = {
    "recommend": "问题导向明确，改革举措具体，具有先行先试意义，建议列为重点改革项目。",
    "recommend_if_revised": "方向可行，但改革目标不够量化，建议补充后再议。",
    "not_recommended": "属常规工作，创新性不足，不建议列为重点改革项目。",
}

# 实地调研 during the 2017 review: (project title, days before the review deadline, place, people met, findings)
FIELD_VISITS = [
    (
        "推进网格管理标准化",
        20,
        "龙城街道网格管理中心",
        "街道综治办、网格员代表",
        "网格事件分拨流程已在两个社区试运行，事件平均办结时间缩短三成；网格员配置标准尚未统一，需在方案中明确。",
    ),
    (
        "创新家庭医生服务模式",
        12,
        "布吉社区健康服务中心",
        "区卫计局、社康中心医生、签约居民",
        "签约居民对上门服务评价较高，但家庭医生人手不足，建议方案补充激励机制和人员配置。",
    ),
]

# The plan's lead district leaders as the seed names them; for the other projects it says only that each
# is led by a district leader (“各个项目都由区领导牵头推进”).
PLAN_LEADERS = {"一": "高自民（区委书记）", "二": "戴斌（区长）"}
PLAN_LEADER_UNNAMED = "分管区领导"
# The demo leaders' accounts lead the projects they are named for: their to-do lists and 我牵头的项目 show them.
PLAN_LEADER_ACCOUNTS = {"一": "leader.gao", "二": "leader.dai"}
PLAN_MEETING = "区委全面深化改革领导小组第十三次会议"
# The 版头, 抄送 and 印发机关 of the office's documents (illustrative: the seed does not show them).
DOCUMENTS = {
    "issuing_organ": "中共深圳市龙岗区委全面深化改革领导小组办公室",
    "copied_to": "区委办，区政府办，区人大办，区政协办",
    "printed_by": "深圳市龙岗区委改革办",
}
# Two quarters of progress: (quarter, percent, status, achievements, problems, next steps)
PROGRESS = [
    (
        1,
        25,
        "on_track",
        "完成改革方案起草并征求相关单位意见，明确责任分工和时间节点。",
        "",
        "报区领导审定方案，启动试点。",
    ),
    (
        2,
        50,
        "on_track",
        "方案经区领导审定印发，试点工作全面启动，形成阶段性工作台账。",
        "部分配套制度仍在制定。",
        "总结试点经验，完善配套制度。",
    ),
]
# A project that fell behind in the second quarter: (percent, status, achievements, problems, next steps)
LAGGING = {
    "深化土地整备共享开发模式": (
        35,
        "lagging",
        "完成片区摸底调查。",
        "历史遗留问题复杂，补偿方案协商进度滞后。",
        "区领导协调，分片推进补偿协商。",
    )
}
# Every 2017 project's milestones (挂图作战) — the seed gives none, so these are the usual four steps.
# Project 一's work plan (任务分解): title, weight, due quarter, share done by quarter. Rolled up by weight
# the shares give PROGRESS's 25 and 50 percent.
TASKS = [
    ("制定改革实施方案", 10, 1, {1: 100, 2: 100}),
    ("选取试点开展改革", 30, 2, {1: 50, 2: 100}),
    ("全面推广并完善配套制度", 40, 3, {1: 0, 2: 25}),
    ("总结评估形成可复制经验", 20, 4, {1: 0, 2: 0}),
]

MILESTONES = {
    1: "制定改革方案并经区领导审定",
    2: "启动试点，形成阶段性成果",
    3: "全面推进，完善配套制度",
    4: "总结评估，形成可复制推广经验",
}
