"""Benchmark: near-duplicate suggestions on a planted set (issue 23).

Builds a round of generated Chinese suggestions in bulk: distinct concerns written out, near-copies of some of them
(a word changed, punctuation dropped, a greeting added: a 5-gram Jaccard similarity of 0.8 or more to their base,
checked), and paraphrases (the same concern in other words, below 0.8: they must NOT be grouped). Runs the worker's
job over the whole round, then places new suggestions one at a time into the full round.

Precision: of the suggestions grouped as near-copies, the share grouped with their own base's group. Recall: of the
planted near-copies, the share grouped with their base. Prints the figures, then one JSON line with the keys
`suggestions`, `near_dup_s`, `assign_one_ms`, `near_dup_precision`, `near_dup_recall` (targets: precision ≥ 0.95,
recall ≥ 0.9, one suggestion placed in ≤ 50 ms).

    .venv/bin/python bench/near_duplicates.py [--suggestions 20000] [--postgresql]
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fixtures import bench_app, bench_round  # noqa: E402  (bench/fixtures.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)
from sqlalchemy import insert, select  # noqa: E402

from core import clock  # noqa: E402
from core.models import utcnow  # noqa: E402
from extensions import db  # noqa: E402
from solicitation.models import Channel, NearDuplicate, RoundStatus, Suggestion, SuggestionStatus  # noqa: E402
from solicitation.services.near_duplicates import find_near_duplicates, jaccard, shingles  # noqa: E402

PLACES = ["龙城街道", "横岗街道", "坪地街道", "布吉街道", "南湾街道", "吉华街道", "园山街道", "宝龙街道", "平湖街道"]
SUBJECTS = [
    "老旧小区加装电梯", "夜间停车难", "社区食堂", "学位紧张", "公交线路调整", "垃圾分类", "噪音扰民", "公园照明",
    "菜市场改造", "养老服务", "医院挂号难", "违建整治", "积水内涝", "共享单车乱停", "外卖电动车", "校园周边交通",
]  # fmt: skip
CLAUSES = [
    "居民反映问题已经持续了很长时间", "每天早晚高峰尤其严重", "老人和孩子出行很不方便", "多次向物业反映都没有解决",
    "希望政府部门能够统筹协调", "建议尽快组织相关单位现场调研", "可以借鉴其他区的成功做法", "资金可以由财政和居民分担",
    "建议设立专门的联系窗口", "希望在年内看到明显改善", "建议把这项工作纳入今年的改革重点", "周边商户也受到影响",
    "夜里十点以后情况更糟", "附近的学校和医院也有同样的困扰", "建议公开办理进度让居民监督", "可以先选一个社区试点",
]  # fmt: skip
GREETINGS = ["您好！", "领导好，", "谢谢！", "辛苦了。", "盼复。"]


def concern(rng: random.Random) -> str:
    """A suggestion's text: its subject, its place and five clauses in a random order, with a number of its own."""
    clauses = rng.sample(CLAUSES, 5)
    return (
        f"{rng.choice(PLACES)}第{rng.randint(1, 300)}号楼一带的{rng.choice(SUBJECTS)}问题，"
        + "，".join(clauses)
        + f"。涉及住户约{rng.randint(20, 900)}户，联系过{rng.randint(2, 9)}次。"
    )


def near_copy(rng: random.Random, text: str) -> str:
    """The text reposted with small changes (a 5-gram Jaccard similarity of 0.8 or more, checked)."""
    while True:
        edited = text
        for _ in range(rng.randint(0, 2)):
            edited = edited.replace(
                rng.choice(["很", "建议", "希望", "尽快", "也"]), rng.choice(["非常", "请", "盼望", ""]), 1
            )
        if rng.random() < 0.5:
            edited = edited.replace("，", " ")
        edited = rng.choice(["", *GREETINGS]) + edited + rng.choice(["", *GREETINGS])
        if jaccard(shingles(edited), shingles(text)) >= 0.85:
            return edited


def paraphrase(rng: random.Random, text: str) -> str:
    """The same concern in other words: the subject kept, the clauses chosen anew (below 0.8, checked)."""
    while True:
        other = text.split("，", 1)[0] + "，" + "，".join(rng.sample(CLAUSES, 5)) + "。"
        if jaccard(shingles(other), shingles(text)) < 0.6:
            return other


def populate(round_id: int, count: int, rng: random.Random) -> tuple[dict[int, int], set[int]]:
    """Insert `count` suggestions: bases, their near-copies and paraphrases. Return each planted copy's base, and the
    paraphrases' ids."""
    texts, kinds = [], []  # (text, base index or None), "base" / "copy" / "paraphrase"
    while len(texts) < count:
        base = concern(rng)
        base_index = len(texts)
        texts.append((base, None))
        kinds.append("base")
        if rng.random() < 0.25:
            for _ in range(rng.choice([1, 1, 2, 3, 8])):
                texts.append((near_copy(rng, base), base_index))
                kinds.append("copy")
        if rng.random() < 0.1:
            texts.append((paraphrase(rng, base), base_index))
            kinds.append("paraphrase")
    texts, kinds = texts[:count], kinds[:count]
    now = utcnow()
    rows = [
        {
            "round_id": round_id,
            "tracking_code": f"B{index:011d}",
            "title": text[:20],
            "content": text,
            "location": "",
            "channel": Channel.web,
            "status": SuggestionStatus.received,
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
            "consent": True,
            "received_on": clock.today(),
            "created_at": now,
            "updated_at": now,
        }
        for index, (text, _base) in enumerate(texts)
    ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Suggestion), rows[start : start + 5000])
    db.session.commit()
    codes = select(Suggestion.tracking_code, Suggestion.id).where(Suggestion.round_id == round_id)
    ids = {code: number for code, number in db.session.execute(codes)}
    number = [ids[f"B{index:011d}"] for index in range(len(texts))]
    copies = {number[index]: number[base] for index, ((_text, base), kind) in enumerate(zip(texts, kinds, strict=True))
              if kind == "copy"}  # fmt: skip
    paraphrases = {number[index] for index, kind in enumerate(kinds) if kind == "paraphrase"}
    return copies, paraphrases


def measure(url: str | None, count: int, label: str) -> dict:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as instance:
        app = bench_app(url, instance)
        with app.app_context():
            db.create_all()
            bench = bench_round(year=2901, status=RoundStatus.soliciting)
            db.session.add(bench)
            db.session.commit()
            copies, paraphrases = populate(bench.id, count, rng)
            ids = db.session.scalars(select(Suggestion.id).where(Suggestion.round_id == bench.id)).all()
            started = time.perf_counter()
            for start in range(0, len(ids), 5000):
                find_near_duplicates({"ids": ids[start : start + 5000]}, lambda *args, **kwargs: None)
            whole = time.perf_counter() - started
            original = dict(db.session.execute(select(NearDuplicate.suggestion_id, NearDuplicate.original_id)).all())

            def group(suggestion_id: int) -> int:
                return original.get(suggestion_id, suggestion_id)

            found_right = sum(group(copy) == group(base) for copy, base in copies.items())
            grouped = [member for member in original if member not in copies]  # grouped, but not a planted copy
            # A base grouped as another base's copy, or a paraphrase grouped at all, is a false near-duplicate.
            wrong = sum(1 for member in grouped if member in paraphrases or group(member) != member)
            wrong += sum(group(copy) != group(base) and copy in original for copy, base in copies.items())
            precision = (len(original) - wrong) / len(original) if original else 1.0
            recall = found_right / len(copies) if copies else 1.0
            # One new suggestion at a time into the full round, as the worker places a resident's.
            timings = []
            for _ in range(30):
                base = db.session.get(Suggestion, rng.choice(list(copies.values())))
                new = Suggestion(
                    round_id=bench.id, tracking_code=f"N{rng.randrange(10**10):010d}", title=base.title,
                    content=near_copy(rng, base.content), channel=Channel.web, consent=True,
                )  # fmt: skip
                db.session.add(new)
                db.session.commit()
                started = time.perf_counter()
                find_near_duplicates({"ids": [new.id]}, lambda *args, **kwargs: None)
                timings.append((time.perf_counter() - started) * 1000)
            db.session.remove()
            db.engine.dispose()
    figures = {
        "suggestions": count,
        "near_dup_s": round(whole, 1),
        "assign_one_ms": round(statistics.median(timings), 1),
        "near_dup_precision": round(precision, 4),
        "near_dup_recall": round(recall, 4),
    }
    print(f"[{label}] {len(copies)} planted copies, {len(paraphrases)} paraphrases, {len(original)} grouped: {figures}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suggestions", type=int, default=20000)
    parser.add_argument("--postgresql", action="store_true", help="on a scratch PostgreSQL database, not SQLite")
    arguments = parser.parse_args()
    machine_report()
    if arguments.postgresql:
        with scratch_database("bench_near_duplicates") as url:
            if url is None:
                return
            figures = measure(url, arguments.suggestions, "postgresql")
    else:
        figures = measure(None, arguments.suggestions, "sqlite")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
