"""The texts the search's relevance set (bench/relevance/queries.json) is asked over: the demo's, and a larger
generated set of residents' suggestions, with what each query must find.

A query must find every text holding each of its parts (split at spaces) as typed, whatever the segmentation:
`holds` is that rule, read by brute force, so the expected documents of the generated set need not be listed.
"""

import csv
import io
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from demo import stories
from demo.longgang import load_seed

QUERIES = Path(__file__).resolve().parents[1] / "bench" / "relevance" / "queries.json"

# What the generated suggestions are made of: places, the reform terms and everyday concerns (compounds a
# dictionary keeps whole, or cuts differently in other company), polite openings, a second concern in passing.
PLACES = (
    "龙城街道",
    "坂田街道",
    "平湖街道",
    "布吉街道",
    "横岗街道",
    "龙岗中心城",
    "大运新城",
    "杨美村",
    "华为基地",
    "",
)
CONCERNS = (
    "政务服务中心周末开放",
    "一网通办事项太少",
    "老旧小区加装电梯审批慢",
    "垃圾分类投放点太远",
    "12345热线回复太慢",
    "小区停车难",
    "智慧停车系统收费不透明",
    "家庭医生签约服务",
    "营商环境还要优化",
    "放管服改革落实不到位",
    "城市更新项目进度慢",
    "长者饭堂覆盖更多社区",
    "学位申请材料太多",
    "社区健康服务中心晚上开诊",
    "公交线路调整",
    "电动自行车充电桩不够",
    "路灯不亮",
    "暴雨积水内涝",
    "夜间施工噪音扰民",
    "餐饮油烟扰民",
)
OPENINGS = ("建议", "希望", "恳请有关部门", "市民反映", "我们小区居民反映", "")
CLOSINGS = ("谢谢！", "望尽快解决。", "请予以考虑。", "")
DETAILS = (
    "已经拖了半年",
    "上班族工作日没时间",
    "老人出行不便",
    "多次打电话没有结果",
    "周边学校放学时尤其严重",
    "晚上十点以后还在继续",
)


def demo_texts() -> list[tuple[str, str]]:
    """(title, body) of the demo's proposals and suggestions, as the office finds them."""
    seed = load_seed()
    texts = [(project.title, project.background + project.content) for project in seed.key_projects]
    texts += [(title, "".join(rest)) for _unit, _category, title, *rest in stories.LONGGANG_2017_OTHERS]
    texts += [(title, "".join(rest)) for _user, _state, title, _category, *rest in stories.NEXT_PROPOSALS]
    texts += [(title, content) for _channel, title, content, *_rest in stories.NEXT_SUGGESTIONS]
    rows = csv.DictReader(io.StringIO(stories.NEXT_IMPORT_CSV.strip()))
    texts += [(row["标题"], row["内容"]) for row in rows]
    return texts


def generated_texts(count: int, *, seed: int = 23) -> list[tuple[str, str]]:
    """`count` suggestions from a fixed seed: a concern at a place, a detail, sometimes a second concern."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        place, concern = rng.choice(PLACES), rng.choice(CONCERNS)
        title = rng.choice((concern, place + concern, "关于" + concern + "的建议"))
        body = f"{rng.choice(OPENINGS)}{place}{concern}，{rng.choice(DETAILS)}。"
        if rng.random() < 0.3:
            body += f"另外{rng.choice(CONCERNS)}的问题也请关注。"
        texts.append((title, body + rng.choice(CLOSINGS)))
    return texts


def holds(title: str, body: str, query: str) -> bool:
    """Whether the text holds every part of `query` as typed (letters in either case)."""
    text = f"{title}\n{body}".lower()
    return all(part in text for part in query.strip('"“”').lower().split())


def relevance_set() -> dict[str, list[dict]]:
    """The queries of each corpus (bench/relevance/queries.json), the demo's with their expected titles."""
    found = json.loads(QUERIES.read_text(encoding="utf-8"))
    return {corpus: found[corpus] for corpus in ("demo", "generated")}


@dataclass
class Outcome:
    """What one query found: how many documents hold it and how many of those it missed, where the first of
    those it should rank first came (1-based; 0 when not found; None when the query names none), and whether
    the demo's expected titles still are what its texts hold."""

    corpus: str
    query: str
    holding: int
    missed: int
    first_rank: int | None
    expected_as_listed: bool


def outcomes(search: Callable[[str, str], list[int]], corpora: dict[str, list[tuple[str, str]]]) -> list[Outcome]:
    """Each query of the relevance set asked with `search(corpus, query)`, which gives the numbers of the
    corpus's texts it found, best first."""
    found = []
    for corpus, entries in relevance_set().items():
        if corpus not in corpora:
            continue
        texts = corpora[corpus]
        for entry in entries:
            query = entry["query"]
            holding = {number for number, (title, body) in enumerate(texts) if holds(title, body, query)}
            hits = search(corpus, query)
            firsts = set(entry.get("first") or (title for title, _body in texts if query in title))
            ranks = [rank for rank, number in enumerate(hits, 1) if texts[number][0] in firsts]
            found.append(
                Outcome(
                    corpus=corpus,
                    query=query,
                    holding=len(holding),
                    missed=len(holding - set(hits)),
                    first_rank=(ranks[0] if ranks else 0) if firsts else None,
                    expected_as_listed=entry.get("expected", sorted({texts[n][0] for n in holding}))
                    == sorted({texts[n][0] for n in holding}),
                )
            )
    return found


def recall_and_mrr(found: list[Outcome]) -> tuple[float, float]:
    """The mean share of the holding documents found, and the mean reciprocal rank of the first expected."""
    asked = [outcome for outcome in found if outcome.holding]
    ranked = [outcome.first_rank for outcome in found if outcome.first_rank is not None]
    recall = sum(1 - outcome.missed / outcome.holding for outcome in asked) / max(len(asked), 1)
    return recall, sum(1 / rank for rank in ranked if rank) / max(len(ranked), 1)
