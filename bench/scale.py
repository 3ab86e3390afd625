"""Benchmark: a city-wide round — 1,000,000 residents' suggestions and 10,000 reviewed proposals — on one database.

Builds the round in bulk in a database of its own (PostgreSQL: COPY into `bench_scale_<pid>`, made on
BENCH_POSTGRES_URL's server and dropped after; SQLite: executemany into a file in a temporary folder), then serves
it through gunicorn as production does (gunicorn.conf.py, the settings from the environment) and times every page
that lists, counts or charts suggestions over HTTP, interleaved: p50 and p95 for one client at a time, then for 8
clients at once.

The suggestions are realistic Chinese text of 50–500 characters, over 7 channels and 7 statuses, with replies
(held and published), referrals, links to proposals and duplicates. Three search words are planted so that the
list's search box matches about 10 % (加装电梯), 1 % (垃圾分类) and 0.1 % (智慧停车) of the round; no other text holds
them.

    .venv/bin/python bench/scale.py [--suggestions 1000000] [--proposals 10000] [--databases postgresql,sqlite]
    .venv/bin/python bench/scale.py --smoke --databases sqlite --no-search-index   # CI's SQLite run
    BENCH_POSTGRES_URL=… .venv/bin/python bench/scale.py --smoke --databases postgresql   # CI's PostgreSQL run

Prints the build times, a table per database, then one JSON object as its last line: `suggestions`, `proposals`,
and per size (`_1m`, `_100k`, `_20k`…) `list_p95_ms`, `list_search_p95_ms` (the worst of the three words),
`heard_p95_ms`, `dashboard_p95_ms`, `todo_p95_ms`, `submit_p95_ms`, `lookup_p95_ms` (PostgreSQL, the worst of
the two client counts), `ranking_p95_ms` at the proposals' count, and `sqlite_worst_page_p95_ms`.
"""

import argparse
import contextlib
import http.cookiejar
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from load import RAISED_LIMITS, Server  # noqa: E402  (bench/load.py)
from machine import report as machine_report  # noqa: E402  (bench/machine.py)
from ranking import populate as populate_ranking  # noqa: E402  (bench/ranking.py)
from scratch_database import scratch_database  # noqa: E402  (bench/scratch_database.py)

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PASSWORD = "bench-scale-Longgang"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# The words the search box is timed with, and the share of the round each is planted in.
SEARCHES = {"加装电梯": 0.10, "垃圾分类": 0.01, "智慧停车": 0.001}
PLACES = ["平湖街道", "龙城街道", "布吉街道", "坂田街道", "横岗街道", "园山街道", "宝龙街道", "吉华街道", "南湾街道"]
TOPICS = ["营商环境", "一网通办", "社区养老", "义务教育", "基层医疗", "公共交通", "老旧小区", "河道治理", "企业开办"]
# None of these holds a planted word (电梯, 垃圾, 分类, 智慧, 停车, 加装 …).
SENTENCES = [
    "建议{place}进一步优化{topic}相关服务流程，减少群众来回跑腿的次数。",
    "目前{topic}方面的办理时限偏长，材料要求也不统一，群众意见较大。",
    "希望有关部门牵头，会同{place}研究制定具体措施，并向社会公开进展。",
    "我们小区居民普遍反映{topic}存在短板，希望列入今年的改革项目。",
    "可以借鉴先进地区的做法，推行“一窗受理、集成服务”的工作模式。",
    "建议加强部门之间的数据共享，做到信息多跑路、群众少跑腿。",
    "{place}的{topic}工作近年来有所改善，但与群众期待仍有差距。",
    "建议设立专门的意见反馈渠道，及时回应群众关切并公开办理结果。",
    "在推进{topic}改革时，应充分听取基层干部和居民代表的意见。",
    "请区里统筹资金保障，明确责任单位和完成时限，定期通报情况。",
    "相关政策宣传不够到位，很多居民并不了解办事指南和申请条件。",
    "建议将{topic}纳入年度考核，建立问题清单、责任清单和整改清单。",
]
PLANTED = {
    "加装电梯": "建议在{place}的老旧住宅推动加装电梯，简化审批并给予适当补贴。",
    "垃圾分类": "{place}的垃圾分类投放点设置不够合理，建议优化收运时间和点位。",
    "智慧停车": "建议在{place}建设智慧停车平台，实时发布车位信息，方便居民出行。",
}
TITLES = ["关于{place}{topic}的建议", "{topic}改革需求", "对{topic}工作的意见", "{place}居民关于{topic}的诉求"]
SURNAMES = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"))
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # solicitation.services.suggestions
CODE_SPACE = len(CODE_ALPHABET) ** 12
# The suggestions' statuses and channels as a round of this size holds them (SQLAlchemy stores enums by name).
STATUSES = {
    "received": 30,
    "accepted": 18,
    "rejected": 10,
    "duplicate": 5,
    "referred": 10,
    "adopted": 15,
    "not_adopted": 12,
}
CHANNELS = {"web": 35, "mobile": 25, "wechat": 20, "hotline": 10, "forum": 4, "letter": 3, "batch_import": 3}
COLUMNS = (
    "id",
    "round_id",
    "tracking_code",
    "title",
    "content",
    "category_id",
    "location",
    "channel",
    "status",
    "contact_name",
    "contact_phone",
    "contact_email",
    "consent",
    "reject_reason",
    "duplicate_of_id",
    "referred_unit_id",
    "referral_note",
    "unit_answer",
    "unit_answered_at",
    "reply",
    "reply_published_at",
    "is_public",
    "second_count",
    "received_on",
    "entered_by_id",
    "created_at",
    "updated_at",
)


def say(text: str = "") -> None:
    print(text, flush=True)


def size_suffix(n: int) -> str:
    """`_1m`, `_100k`, `_20k`, `_500`: the keys' suffix for a count."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"_{n // 1_000_000}m"
    if n >= 1000 and n % 1000 == 0:
        return f"_{n // 1000}k"
    return f"_{n}"


def tracking_codes(numbers: np.ndarray) -> list[str]:
    """A distinct code for each number (multiplying by a number prime to 31 permutes the codes), in the
    platform's alphabet."""
    values = (numbers.astype(np.int64) * 1_000_003) % CODE_SPACE
    digits = np.empty((len(values), 12), dtype=np.int64)
    for place in range(12):
        values, digits[:, place] = np.divmod(values, len(CODE_ALPHABET))
    letters = np.ascontiguousarray(np.array(list(CODE_ALPHABET))[digits])
    return letters.view("<U12").ravel().tolist()


def stamps(microseconds: np.ndarray) -> list[str]:
    """Microseconds since the epoch as the database's text of a naive UTC time, the way SQLAlchemy writes it to
    SQLite (and PostgreSQL's COPY reads it)."""
    return np.char.replace(np.datetime_as_string(microseconds.astype("datetime64[us]"), unit="us"), "T", " ").tolist()


# Each suggestion's text is a run of SENTENCES formatted once for every place and topic: a row formats nothing.
PAIRS = [(place, topic) for place in PLACES for topic in TOPICS]
POOLS = np.array([[sentence.format(place=place, topic=topic) for sentence in SENTENCES] for place, topic in PAIRS])
POOL_LENGTHS = np.char.str_len(POOLS)
TITLE_POOLS = np.array([[title.format(place=place, topic=topic) for title in TITLES] for place, topic in PAIRS])
PLANTED_POOLS = [[PLANTED[word].format(place=place) for word in SEARCHES] for place, _topic in PAIRS]
PLANTED_LENGTHS = np.char.str_len(np.array(PLANTED_POOLS))
REPLIES = np.array(
    [f"感谢您的建议。经研究，{topic}相关工作已交由责任单位办理，我们将持续跟进并公开结果。" for _p, topic in PAIRS]
)
REASONS = np.array(["spam", "out_of_scope", "other"])
MOST_SENTENCES = 24  # drawn for each row: enough for the longest text of the shortest sentences
assert MOST_SENTENCES * POOL_LENGTHS.min() >= 500
CHUNK = 20_000  # rows drawn at once


def suggestion_rows(
    n: int, *, round_id: int, categories: list[int], units: list[int], proposals: list[int], links: list
):
    """The round's suggestions as tuples of COLUMNS (ids 1..n, oldest first; times as text, booleans as 0 and 1),
    drawn with numpy a chunk at a time from a fixed seed; their (suggestion, proposal) links are added to `links`.

    A text's sentences are drawn until it holds 50–500 characters (its length drawn), a planted sentence put before
    the last of them, so that it is never cut off and each word is in its share of the round exactly as drawn."""
    rng = np.random.default_rng(22)
    statuses, status_weights = (np.array(values) for values in zip(*STATUSES.items(), strict=True))
    channels, channel_weights = (np.array(values) for values in zip(*CHANNELS.items(), strict=True))
    shares = np.array(list(SEARCHES.values()))
    start = np.datetime64("2026-09-01T08:00:00", "us").astype(np.int64)
    step, day = 90 * 86_400 * 10**6 // n, 86_400 * 10**6
    for first in range(1, n + 1, CHUNK):
        numbers = np.arange(first, min(first + CHUNK, n + 1))
        size = len(numbers)
        pair = rng.integers(len(PAIRS), size=size)
        length = rng.integers(50, 501, size=size)
        planted = rng.random((size, len(SEARCHES))) < shares
        picks = rng.integers(len(SENTENCES), size=(size, MOST_SENTENCES))
        filled = np.cumsum(POOL_LENGTHS[pair[:, None], picks], axis=1)
        filled += (PLANTED_LENGTHS[pair] * planted).sum(axis=1)[:, None]
        counts = (filled < length[:, None]).sum(axis=1) + 1  # sentences until the length is reached
        before = rng.integers(0, counts)  # where the planted sentences go: before the last one at least
        status = statuses[rng.choice(len(statuses), p=status_weights / status_weights.sum(), size=size)]
        channel = channels[rng.choice(len(channels), p=channel_weights / channel_weights.sum(), size=size)]
        u = rng.random((11, size))
        named = u[0] < 0.6
        replied = np.isin(status, ["adopted", "not_adopted", "rejected"]) | (u[1] < 0.05)
        referred = (status == "referred") | ((status == "adopted") & (u[3] < 0.3))
        answered = referred & (u[4] < 0.6)
        linked = np.isin(status, ["accepted", "adopted", "referred"]) & (u[5] < 0.1)
        links.extend(
            zip(numbers[linked].tolist(), np.array(proposals)[numbers[linked] % len(proposals)].tolist(), strict=True)
        )
        duplicate = (status == "duplicate") & (numbers > 1)
        contents = []
        for sentences, count, at, pair_, planted_ in zip(
            POOLS[pair[:, None], picks].tolist(),
            counts.tolist(),
            before.tolist(),
            pair.tolist(),
            planted.tolist(),
            strict=True,
        ):
            parts = sentences[:count]
            parts[at:at] = [sentence for sentence, there in zip(PLANTED_POOLS[pair_], planted_, strict=True) if there]
            contents.append("".join(parts)[:500])
        created = start + step * numbers
        times = stamps(created)
        columns = {
            "id": numbers,
            "round_id": np.full(size, round_id),
            "tracking_code": tracking_codes(numbers),
            "title": TITLE_POOLS[pair, rng.integers(len(TITLES), size=size)],
            "content": contents,
            "category_id": np.where(u[6] < 0.9, np.array(categories)[rng.integers(len(categories), size=size)], None),
            "location": np.array(PLACES)[pair // len(TOPICS)],
            "channel": channel,
            "status": status,
            "contact_name": np.where(named, np.char.add(SURNAMES[rng.integers(len(SURNAMES), size=size)], "先生"), ""),
            "contact_phone": np.where(named, np.char.add("138", np.char.zfill((numbers % 10**8).astype(str), 8)), ""),
            "contact_email": np.where(
                named & (u[7] < 0.3), np.char.add(np.char.add("resident", numbers.astype(str)), "@example.cn"), ""
            ),
            "consent": named.astype(int),
            "reject_reason": np.where(status == "rejected", REASONS[rng.integers(len(REASONS), size=size)], None),
            "duplicate_of_id": np.where(
                duplicate, numbers - 1 - (u[8] * np.minimum(5000, numbers - 1)).astype(int), None
            ),
            "referred_unit_id": np.where(referred, np.array(units)[rng.integers(len(units), size=size)], None),
            "referral_note": np.where(referred, "请研究办理并答复。", ""),
            "unit_answer": np.where(answered, "已研究，将纳入下一步工作计划。", ""),
            "unit_answered_at": np.where(answered, stamps(created + 5 * day), None),
            "reply": np.where(replied, REPLIES[pair], ""),
            "reply_published_at": np.where(replied & (u[2] < 0.8), stamps(created + 3 * day), None),
            "is_public": (~np.isin(status, ["rejected", "duplicate"]) & (u[9] < 0.2)).astype(int),
            "second_count": np.where(u[10] < 0.2, rng.integers(0, 51, size=size), 0),
            "received_on": np.array(times, dtype="<U10"),
            "entered_by_id": np.full(size, None),
            "created_at": times,
            "updated_at": times,
        }
        yield from zip(*(np.asarray(columns[name], dtype=object).tolist() for name in COLUMNS), strict=True)


def build(url: str, instance: Path, *, n: int, proposals: int) -> dict:
    """Migrate, then fill the database in bulk: the office, units, a soliciting round of `n` suggestions, a reviewed
    round of `proposals`. Returns the facts the timing needs."""
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from accounts.models import Role, Unit, UnitKind, User
    from app import create_app
    from core import clock
    from core.models import utcnow
    from extensions import db
    from solicitation.models import Category, Proposal, ProposalStatus, Round, RoundStatus, SuggestionCount

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench"})
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=str(ROOT / "migrations"))
        say(f"  migrated in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        review_round, _office = populate_ranking(proposals)
        say(f"  reviewed round: {proposals} proposals × 5 reviews in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        office = User(username="scale.office", display_name="规模测试", role=Role.office)
        office.set_password(PASSWORD)
        units = [Unit(name=f"规模测试单位{i}", kind=UnitKind.subdistrict) for i in range(20)]
        today = clock.today()
        round = Round(
            year=2998,
            title="全市改革需求征集",
            status=RoundStatus.soliciting,
            solicitation_opens=today - timedelta(days=100),
            solicitation_closes=today + timedelta(days=30),
            review_deadline=today + timedelta(days=60),
            plan_date=today + timedelta(days=90),
        )
        db.session.add_all([office, round, *units])
        db.session.flush()
        categories = [Category(round_id=round.id, name=name, position=i) for i, name in enumerate(TOPICS[:8])]
        db.session.add_all(categories)
        db.session.flush()
        db.session.execute(
            insert(Proposal),
            [
                {
                    "round_id": round.id,
                    "unit_id": units[i % len(units)].id,
                    "title": f"市级改革项目{i}",
                    "status": ProposalStatus.submitted,
                    "submitted_at": utcnow(),
                    "background": "",
                    "content": "",
                    "innovation": "",
                    "goals": "",
                }
                for i in range(50)
            ],
        )
        proposal_ids = list(db.session.scalars(select(Proposal.id).where(Proposal.round_id == round.id)))
        db.session.commit()
        links: list[tuple[int, int]] = []
        rows = suggestion_rows(
            n,
            round_id=round.id,
            categories=[c.id for c in categories],
            units=[u.id for u in units],
            proposals=proposal_ids,
            links=links,
        )
        load_suggestions(db, rows, links, n)
        db.session.commit()
        built = time.perf_counter() - started
        say(f"  {n:,} suggestions ({len(links):,} links) inserted in {built:.1f} s ({n / built:,.0f} a second)")
        started = time.perf_counter()
        after_bulk_load(db)
        say(f"  summary counts and statistics in {time.perf_counter() - started:.1f} s")
        # the pages count from the summary: it must hold every row written past the ORM
        total = db.session.scalar(select(func.count()).select_from(text("suggestions")))
        counted = db.session.scalar(select(func.sum(SuggestionCount.count)).where(SuggestionCount.round_id == round.id))
        assert total == counted == n, (total, counted)
        codes = tracking_codes(np.random.default_rng(7).integers(1, n + 1, size=200))
        facts = {
            "round": round.id,
            "review_round": review_round,
            "codes": codes,
            "categories": [c.id for c in categories],
        }
        db.engine.dispose()
    return facts


# The suggestions' indexes that no constraint holds: dropped for the load and made again after it.
INDEXES = {
    "sqlite": "SELECT name, sql FROM sqlite_master"
    " WHERE type = 'index' AND tbl_name = 'suggestions' AND sql IS NOT NULL",
    "postgresql": "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
    " WHERE i.indrelid = 'suggestions'::regclass AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = c.oid)",
}


def load_suggestions(db, rows, links: list, n: int) -> None:
    """Write the suggestions past the ORM, in the session's transaction, as a bulk load does: their indexes dropped
    first and made again after (a sort each rather than a B-tree insertion a row), PostgreSQL through COPY, SQLite
    through one executemany without waiting for the disk (the file is the benchmark's own)."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    indexes = connection.exec_driver_sql(INDEXES[dialect]).all()
    for name, _definition in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    driver = connection.connection.driver_connection
    if dialect == "postgresql":
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY suggestions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY suggestion_proposals (suggestion_id, proposal_id) FROM STDIN") as copy:
                for link in links:
                    copy.write_row(link)
            cursor.execute("SELECT setval(pg_get_serial_sequence('suggestions', 'id'), %s)", (n,))
    else:
        # this connection's alone, and it is closed when the build ends (db.engine.dispose)
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        cursor = driver.cursor()
        cursor.executemany(
            f"INSERT INTO suggestions ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows
        )
        cursor.executemany("INSERT INTO suggestion_proposals (suggestion_id, proposal_id) VALUES (?, ?)", links)
    for _name, definition in indexes:
        connection.exec_driver_sql(definition)


def after_bulk_load(db) -> None:
    """What a bulk load skips: the summary counts (made from the rows) and, on PostgreSQL, the planner's
    statistics (a live database has them from autovacuum)."""
    from sqlalchemy import text

    from solicitation.services.suggestion_counts import recount_suggestions

    recount_suggestions()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
        db.session.commit()


class Client:
    """A browser: its own cookies, logged in as the office or not at all."""

    def __init__(self, base: str, *, office: bool):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )
        if office:
            token = self.token("/login")
            status, _body = self.request(
                "/login", {"csrf_token": token, "username": "scale.office", "password": PASSWORD}
            )
            assert status == 302, f"login: {status}"

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=120) as answer:
                return answer.status, answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def token(self, path: str) -> str:
        status, body = self.request(path)
        match = CSRF.search(body)
        assert status == 200 and match, f"{path}: {status}, no CSRF token"
        return match.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def pages(facts: dict) -> list[tuple[str, str, bool]]:
    """(name, path, as the office) of every page timed (the search box's only with a search index)."""
    round_id, category = facts["round"], facts["categories"][0]
    listed = f"/rounds/{round_id}/suggestions"
    timed = [
        ("list", listed, True),
        # the farthest page opened by its number alone (core.lists.OFFSET_PAGES); further ones are reached by keyset
        ("list page 11", f"{listed}?page=11", True),
        ("list by status", f"{listed}?status=accepted", True),
        ("list by channel", f"{listed}?channel=hotline", True),
        ("list by category", f"{listed}?category={category}", True),
    ]
    timed += [
        (f"list search {word} ({share:.1%})", f"{listed}?q={urllib.parse.quote(word)}", True)
        for word, share in SEARCHES.items()
        if facts["indexed"]
    ]
    return timed + [
        ("heard", f"/heard?round={round_id}", False),
        ("dashboard", f"/rounds/{round_id}/dashboard", True),
        ("todo (office home)", "/", True),
        ("lookup", "/track?code={code}", False),
        ("submit", "POST /suggest", False),
        ("ranking", f"/rounds/{facts['review_round']}/ranking", True),
    ]


def time_page(client: Client, path: str, facts: dict, rng: random.Random) -> float:
    """One request of a page, ms (a submission's form is fetched first, untimed)."""
    data = None
    if path == "POST /suggest":
        place, topic = rng.choice(PLACES), rng.choice(TOPICS)
        data = {
            "csrf_token": client.token("/suggest"),
            "title": f"关于{place}{topic}的建议",
            "content": SENTENCES[0].format(place=place, topic=topic) + SENTENCES[1].format(topic=topic),
            "category_id": "",
            "location": place,
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
            "website": "",
        }
        path = "/suggest"
    path = path.format(code=rng.choice(facts["codes"]))
    started = time.perf_counter()
    status, _body = client.request(path, data)
    elapsed = 1000 * (time.perf_counter() - started)
    assert status == (302 if data else 200), f"{path}: {status}"
    return elapsed


def measure(base: str, facts: dict, *, requests: int, clients: int) -> dict[str, list[float]]:
    """Each page `requests` times a client, the pages interleaved, by `clients` clients at once."""
    timed = pages(facts)
    times: dict[str, list[float]] = {name: [] for name, _path, _office in timed}
    errors: list[BaseException] = []

    def one(seed: int) -> None:
        try:
            rng = random.Random(seed)
            office, public = Client(base, office=True), Client(base, office=False)
            for _ in range(requests):
                for name, path, as_office in rng.sample(timed, len(timed)):
                    times[name].append(time_page(office if as_office else public, path, facts, rng))
        except BaseException as error:  # reported by the caller
            errors.append(error)

    threads = [threading.Thread(target=one, args=(seed,)) for seed in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20, method="inclusive")[-1], 1) if len(values) > 1 else values[0]


def server_env(url: str, instance: Path) -> dict:
    """The environment the platform's commands and server run in, as production sets it."""
    return {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "FLASK_APP": "app",
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secrets.token_hex(32),
        "SEARCH_BACKEND": "postgresql" if url.startswith("postgresql") else "whoosh",
        "JOBS_WORKER": "thread",
        **RAISED_LIMITS,
    }


def build_search_index(env: dict) -> float:
    """`flask search rebuild` on both cores, as an operator runs it after a bulk load; its seconds."""
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "flask"), "search", "rebuild", "--processes", "2"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def serve_and_time(env: dict, instance: Path, facts: dict, *, requests: int, clients: int, label: str) -> dict:
    """Serve the database through gunicorn and time every page with one client, then `clients`."""
    server = Server("platform", "gunicorn.conf.py", env, instance / "platform.log", "/health")
    try:
        measure(server.url, facts, requests=1, clients=2)  # warm-up: each worker's first requests are slower
        single = measure(server.url, facts, requests=requests, clients=1)
        many = measure(server.url, facts, requests=max(2, requests // 4), clients=clients)
    finally:
        server.stop()
    say(f"\n[{label}] per page, ms: one client (p50, p95) | {clients} clients (p50, p95)")
    figures = {}
    for name in single:
        one = (round(statistics.median(single[name]), 1), p95(single[name]))
        several = (round(statistics.median(many[name]), 1), p95(many[name]))
        figures[name] = {"p50": one[0], "p95": one[1], f"p50_c{clients}": several[0], f"p95_c{clients}": several[1]}
        say(f"  {name:<30} {one[0]:>8.1f} {one[1]:>8.1f} | {several[0]:>8.1f} {several[1]:>8.1f}")
    return figures


def keys(figures: dict, n: int, proposals: int, clients: int) -> dict:
    """The issue's JSON keys from one database's figures: the worst of one client and `clients`."""

    def worst(*names: str) -> float:
        return max(max(figures[name]["p95"], figures[name][f"p95_c{clients}"]) for name in names)

    lists = [name for name in figures if name.startswith("list") and "search" not in name]
    searches = [name for name in figures if name.startswith("list search")]
    size = size_suffix(n)
    return {
        f"list_p95_ms{size}": worst(*lists),
        **({f"list_search_p95_ms{size}": worst(*searches)} if searches else {}),
        f"heard_p95_ms{size}": worst("heard"),
        f"dashboard_p95_ms{size}": worst("dashboard"),
        f"todo_p95_ms{size}": worst("todo (office home)"),
        f"submit_p95_ms{size}": figures["submit"]["p95"],
        f"lookup_p95_ms{size}": worst("lookup"),
        f"ranking_p95_ms{size_suffix(proposals)}": worst("ranking"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suggestions", type=int, default=1_000_000)
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--databases", default="postgresql,sqlite", help="postgresql, sqlite or both")
    parser.add_argument("--requests", type=int, default=20, help="requests of each page by one client")
    parser.add_argument("--clients", type=int, default=8, help="clients at once in the second timing")
    parser.add_argument(
        "--no-search-index",
        action="store_true",
        help="skip rebuilding the search index (minutes at a million) and the search box's timing",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="CI's check that it works: 100,000 and 100, 2 requests, 2 clients"
    )
    args = parser.parse_args()
    if args.smoke:
        args.suggestions, args.proposals, args.requests, args.clients = 100_000, 100, 2, 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = {"suggestions": args.suggestions, "proposals": args.proposals, "machine_loop_s": machine_report()}
    say(
        f"Scale benchmark: {args.suggestions:,} suggestions, {args.proposals:,} proposals; "
        f"load {os.getloadavg()[0]:.2f}"
    )
    for database in args.databases.split(","):
        with contextlib.ExitStack() as stack:
            instance = Path(tempfile.mkdtemp(prefix="bench-scale-"))
            stack.callback(shutil.rmtree, instance, ignore_errors=True)
            if database == "postgresql":
                url = stack.enter_context(scratch_database(f"bench_scale_{os.getpid()}"))
                if url is None:
                    continue
            else:
                url = f"sqlite:///{instance}/scale.db"
            say(f"\n[{database}] building ...")
            started = time.perf_counter()
            facts = build(url, instance, n=args.suggestions, proposals=args.proposals)
            result[f"build_s_{database}"] = round(time.perf_counter() - started, 1)
            env = server_env(url, instance)
            facts["indexed"] = not args.no_search_index
            if facts["indexed"]:
                seconds = build_search_index(env)
                say(f"  search index rebuilt in {seconds:.1f} s ({args.suggestions / seconds:,.0f} documents a second)")
                result[f"search_rebuild_s_{database}"] = round(seconds, 1)
            started = time.perf_counter()
            figures = serve_and_time(env, instance, facts, requests=args.requests, clients=args.clients, label=database)
            result[f"serve_s_{database}"] = round(time.perf_counter() - started, 1)
            measured = keys(figures, args.suggestions, args.proposals, args.clients)
            if database == "postgresql":
                result |= measured
            else:
                worst = max(max(row["p95"], row[f"p95_c{args.clients}"]) for row in figures.values())
                result[f"sqlite_worst_page_p95_ms{size_suffix(args.suggestions)}"] = worst
                result |= {f"sqlite_{name}": value for name, value in measured.items()}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
