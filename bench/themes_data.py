"""Generated suggestions made of known planted themes, for bench/themes.py (issue 23). Written before the themes were
tuned, and not changed to suit them.

24 civic concerns of a Chinese district, each said in several ways (paraphrases), whose vocabularies overlap on
purpose (停车 in parking, charging piles and school traffic; 噪音 in building sites and square dances; 学校 in places,
school traffic and after-school care; 看病 in hospitals and family doctors …). A suggestion is written the way
residents write: a greeting or none, where they live (district, street, community: every place in every theme),
two to four sentences of its concern, sometimes a second concern in passing ("另外，…"), a polite closing, and a
title that is sometimes only "一点建议". Some are near-copies of an earlier one (reposted with small edits), and the
themes' sizes differ by up to four times. `suggestions(count, seed)` yields (title, content, theme index).
"""

import random
from collections import deque
from collections.abc import Iterator

# Each theme: its titles, and the sentences residents say it in (paraphrases of the same concern).
THEMES = [
    (["老旧小区加装电梯", "加装电梯", "老楼装电梯"], [
        "我们小区是九十年代的老楼，没有电梯", "老人上下楼非常困难，买菜看病都要人背", "加装电梯的审批手续太繁琐",
        "一楼住户反对，加装电梯迟迟不能开工", "电梯加装的补贴资金一直没有到位", "希望统一推进老旧小区加装电梯",
        "六楼的老人好几年没下过楼了", "加梯意见征集很难达成一致"]),
    (["物业服务差", "物业管理问题", "物业费"], [
        "小区物业服务质量很差，收费却年年上涨", "物业对报修总是拖着不处理", "业主委员会选不出来，物业更换很难",
        "公共收益去向不明，物业从不公示账目", "小区绿化没人打理，物业不作为", "希望加强对物业公司的监管考核",
        "物业保安形同虚设，外来人员随便进出", "物业合同到期了还不肯退场"]),
    (["夜间停车难", "停车位不足", "停车难"], [
        "晚上下班回来找不到停车位", "车只能停在路边，经常被贴罚单", "小区车位严重不足，停车费还涨价",
        "建议机关单位的停车场夜间向居民错时开放", "周边空地可以改建临时停车场", "停车难的问题越来越严重",
        "希望增设智能停车引导系统，方便找车位", "绕好几圈都找不到停车的地方"]),
    (["充电桩太少", "新能源车充电难", "充电桩建设"], [
        "新能源汽车越来越多，充电桩却很少", "小区停车位不让安装私人充电桩", "公共充电桩经常被燃油车占用",
        "充电桩坏了很久都没人维修", "建议在地下停车场统一建设充电桩", "电动汽车充电要排很长的队",
        "物业以电力容量不足为由拒绝装充电桩", "希望出台充电设施建设补贴"]),
    (["电动自行车充电", "电动车上楼", "外卖电动车"], [
        "很多人把电动自行车推进楼道里充电", "电动车飞线充电存在很大的火灾隐患", "小区缺少电动自行车集中充电棚",
        "外卖骑手的电动车在人行道上横冲直撞", "电瓶车进电梯太危险了", "建议增设电动自行车智能充电柜",
        "楼道堆满电动车，消防通道被堵", "电动车电池起火的新闻太吓人了"]),
    (["学位紧张", "孩子入学难", "小学学位"], [
        "片区小学学位非常紧张，孩子上学难", "入学积分政策每年都变，家长无所适从", "新建楼盘入住多了，学校却没有增加",
        "孩子被分配到很远的学校上学", "希望尽快新建或扩建公办小学", "学位不够，只能去读民办学校，负担太重",
        "公办初中学位缺口很大", "学区划分不合理，家门口的学校上不了"]),
    (["学校门口拥堵", "接送孩子堵车", "校园周边交通"], [
        "每天上学放学时学校门口堵得水泄不通", "家长接送的车辆乱停乱放", "校门口没有红绿灯，孩子过马路很危险",
        "建议在学校周边设置临时停车接送区", "早高峰学校附近的路口严重拥堵", "希望交警在上下学时段加强疏导",
        "校门前的人行道被电动车占满", "接送孩子的时间段交通秩序混乱"]),
    (["课后托管", "放学后没人接", "托管服务"], [
        "双职工家庭放学后没人接孩子", "学校的课后托管服务时间太短", "校外托管机构收费高、质量参差不齐",
        "希望学校延长课后服务到六点半", "寒暑假孩子没人看管", "建议社区开办公益性的托管班",
        "课后服务的内容单一，孩子不愿意参加", "托管老师的补贴不到位，积极性不高"]),
    (["公交线路调整", "公交太少", "公交站点"], [
        "新小区附近没有公交站点", "公交车班次太少，等车要半个多小时", "公交线路调整后去医院要换乘两次",
        "希望开通到区中心的直达公交", "末班公交车太早，晚上下班回不了家", "公交站台没有遮阳棚，下雨没处躲",
        "建议增加高峰时段的公交班次", "公交到站时间不准，手机上查不到"]),
    (["地铁接驳", "最后一公里", "地铁站出行"], [
        "地铁站离小区太远，最后一公里很不方便", "地铁站出口没有接驳公交", "建议开通地铁站到社区的微循环巴士",
        "地铁口的共享单车总是不够用", "早高峰地铁站排队进站要二十分钟", "希望地铁站增设出入口",
        "地铁末班车和接驳巴士时间衔接不上", "地铁站周边黑车拉客很多"]),
    (["工地施工噪音", "夜间施工扰民", "工地噪音"], [
        "附近工地每天晚上施工到凌晨", "打桩机的噪音吵得人无法入睡", "工地夜间施工从来没有公示许可证",
        "渣土车深夜进出，轰鸣声不断", "投诉施工噪音后只安静两天又继续", "希望严格查处违规夜间施工",
        "工地扬尘很大，窗户都不敢开", "施工噪音让家里的老人孩子休息不好"]),
    (["广场舞噪音", "音响太吵", "广场舞扰民"], [
        "楼下广场舞音响声音开得特别大", "广场舞每天从早跳到晚，吵得没法休息", "和跳舞的阿姨沟通过，她们根本不听",
        "建议规定广场舞的时间和音量", "孩子要写作业，广场舞音乐震耳欲聋", "希望给广场舞划定专门的场地",
        "广场上的音响比赛一样越放越大声", "晚上九点以后广场舞还在继续"]),
    (["垃圾分类", "垃圾桶", "垃圾清运"], [
        "小区垃圾分类桶太少，经常满溢", "垃圾分类后收运车却混在一起运走", "垃圾投放点臭气熏天，蚊蝇很多",
        "建议延长定时定点投放的时间", "很多居民不懂垃圾怎么分类", "希望加大垃圾分类的宣传和督导",
        "厨余垃圾清运不及时，夏天特别臭", "大件垃圾没有地方扔，只能堆在楼下"]),
    (["暴雨积水", "道路内涝", "排水不畅"], [
        "每次下暴雨路面积水都到膝盖", "排水管网老化，雨水排不出去", "积水倒灌进地下车库，泡坏了很多车",
        "建议尽快改造片区的排水系统", "下雨天积水的路段行人根本过不去", "雨水井盖被堵住，一直没人清理",
        "内涝点每年都有，却一直没有根治", "希望汛期前对排水管道进行清淤"]),
    (["社区养老", "老年食堂", "养老服务"], [
        "社区里独居老人越来越多，没人照顾", "希望社区开办老年食堂，解决老人吃饭难", "养老院床位紧张，排队要好几年",
        "建议发展居家养老上门服务", "社区日间照料中心活动太少", "老人助餐点的价格能再优惠一些",
        "失能老人的护理费用太高，家庭负担很重", "希望增加社区养老服务站点"]),
    (["看病难", "医院挂号难", "医院排队"], [
        "大医院挂号太难，专家号一放出就没了", "看个病要排队三四个小时", "医院停车难，看病还要先找车位",
        "建议推行分时段预约就诊", "区里缺少三甲医院，看病要跑到市中心", "医院检查预约要等一个多月",
        "儿科急诊晚上人满为患", "希望医院开通更多的线上问诊"]),
    (["家庭医生", "社康中心", "签约家庭医生"], [
        "签约了家庭医生却从来联系不上", "社区健康服务中心药品种类太少", "社康中心的医生太少，看病要等很久",
        "家庭医生签约服务流于形式", "希望社康中心延长服务时间", "建议家庭医生定期上门为老人体检",
        "社康开的药医保报销比例低", "慢性病患者希望在社康就能拿长期处方"]),
    (["一网通办", "办事跑腿", "政务服务"], [
        "办个证明要跑好几个部门", "网上办事系统经常登录不上", "政务服务大厅排队时间太长",
        "建议更多事项实现一网通办、全程网办", "同样的材料在不同窗口要重复提交", "希望政务服务中心周末也能开放",
        "办事指南写得不清楚，来回跑了三趟", "自助终端经常故障，没人维护"]),
    (["企业开办", "营商环境", "审批太慢"], [
        "企业开办审批环节太多、时间太长", "小微企业融资难、融资贵", "工程项目审批要盖几十个章",
        "建议优化营商环境，减少涉企检查", "惠企政策申报流程复杂，企业不会申请", "希望设立企业服务专员",
        "企业变更登记还要现场办理", "政府拖欠企业账款，资金周转困难"]),
    (["公园路灯", "公园照明", "公园设施"], [
        "公园里的路灯晚上经常不亮", "公园步道太黑，晚上散步不安全", "公园的健身器材坏了很久没人修",
        "建议公园增加公共厕所和座椅", "公园照明不足，角落里很暗", "希望公园延长开放时间",
        "公园的儿童游乐设施太少", "晚上公园没有巡逻，感觉不安全"]),
    (["共享单车乱停", "单车占道", "共享单车"], [
        "共享单车乱停乱放，堵住了人行道", "地铁口的共享单车堆成小山", "坏的共享单车没人回收",
        "建议划定共享单车停放区", "共享单车企业投放太多，管理跟不上", "盲道上停满了共享单车",
        "希望对乱停共享单车的用户进行处罚", "共享单车占用机动车道很危险"]),
    (["违建整治", "楼顶违建", "私搭乱建"], [
        "有住户在楼顶私自加建房屋", "一楼住户占用公共绿地搭建棚子", "违建举报了很多次都没有拆除",
        "违章建筑存在安全隐患", "建议加大违法建设的查处力度", "商铺私自扩建占用人行道",
        "小区里的违建越来越多，没人管", "希望城管部门定期巡查违建"]),
    (["菜市场改造", "农贸市场", "买菜不方便"], [
        "菜市场环境脏乱差，地面总是湿漉漉的", "农贸市场年久失修，屋顶漏雨", "附近没有菜市场，买菜要走很远",
        "建议对老旧菜市场进行升级改造", "菜市场摊位费太高，菜价也跟着涨", "希望菜市场周边规范临时摊贩",
        "菜市场没有停车的地方", "市场里的活禽宰杀区卫生很差"]),
    (["食品安全", "餐馆卫生", "无证经营"], [
        "街边小餐馆卫生条件很差", "学校周边的小摊贩卖三无食品", "外卖商家后厨脏乱，吃了拉肚子",
        "建议加强对餐饮店的食品安全检查", "无证经营的小吃店越来越多", "希望公开餐馆的卫生检查结果",
        "过期食品还在超市货架上卖", "食品安全投诉电话总是打不通"]),
]  # fmt: skip

DISTRICTS = ["龙岗区", "福田区", "南山区", "宝安区"]
STREETS = ["布吉街道", "坂田街道", "龙城街道", "横岗街道", "平湖街道", "南湾街道", "吉华街道", "园山街道"]
COMMUNITIES = ["大芬社区", "岗头社区", "爱联社区", "四联社区", "新木社区", "丹竹头社区", "上水径社区", "六约社区"]
GREETINGS = ["", "", "您好！", "领导好，", "尊敬的领导：", "你们好，"]
CLOSINGS = ["", "", "谢谢！", "希望政府重视，谢谢。", "恳请有关部门尽快解决。", "盼复，辛苦了！", "期待早日改善。"]
GENERIC_TITLES = ["一点建议", "反映一个问题", "民生建议", "关于改善生活的建议"]


def _place(rng: random.Random) -> str:
    return rng.choice(
        [
            f"我住在{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.choice(COMMUNITIES)}，",
            f"{rng.choice(STREETS)}{rng.choice(COMMUNITIES)}的居民反映：",
            f"我是{rng.choice(COMMUNITIES)}的住户，",
            "",
        ]
    )


def write(theme: int, rng: random.Random) -> tuple[str, str]:
    """One resident's suggestion about `theme`: (title, content)."""
    titles, sentences = THEMES[theme]
    said = rng.sample(sentences, rng.randint(2, 4))
    content = rng.choice(GREETINGS) + _place(rng) + "，".join(said) + "。"
    if rng.random() < 0.3:  # a second concern, in passing
        other = rng.choice([index for index in range(len(THEMES)) if index != theme])
        content += f"另外，{rng.choice(THEMES[other][1])}。"
    content += rng.choice(CLOSINGS)
    title = rng.choice(GENERIC_TITLES) if rng.random() < 0.15 else rng.choice(titles)
    return title, content


def near_copy(text: str, rng: random.Random) -> str:
    """The text reposted: a greeting added or dropped, punctuation changed."""
    edited = text.replace("，", rng.choice(["，", " ", ","]))
    return rng.choice(GREETINGS) + edited


def suggestions(count: int, seed: int = 7) -> Iterator[tuple[str, str, int]]:
    """`count` suggestions (title, content, planted theme), the themes' sizes differing by up to four times."""
    rng = random.Random(seed)
    weights = [1 + 3 * rng.random() for _ in THEMES]
    recent: deque[tuple[str, str, int]] = deque(maxlen=200)  # what a resident may copy from
    for _ in range(count):
        if recent and rng.random() < 0.05:
            title, content, theme = rng.choice(recent)
            made = (title, near_copy(content, rng), theme)
        else:
            theme = rng.choices(range(len(THEMES)), weights)[0]
            made = (*write(theme, rng), theme)
        recent.append(made)
        yield made
