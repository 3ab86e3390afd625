"""locust's users for bench/load.py: residents reading, sending and looking up suggestions; staff browsing lists.

Each user is a client with its own cookies that sends its next request as soon as the last is answered (no think
time), so N users keep N requests in flight; with BENCH_LOAD_PACE (requests a second), each resident and staff user
starts its tasks at random times (a Poisson stream, spaced for that many requests, so the clients do not fall into
step and send in bursts, as they did with locust's constant_throughput, each waiting out the same period), due
whatever the server's answers took: an open loop, which a slow answer does not slow down. Every answer is
checked: its status, that a page is the one asked for, that a sent suggestion was given a tracking code and that
its tracking page shows it. bench/load.py passes what the demo holds (round and plan ids, existing tracking codes)
in BENCH_LOAD_DEMO.
"""

import json
import os
import random
import re
import time
from urllib.parse import quote

from locust import constant, task
from locust.contrib.fasthttp import FastHttpUser

DEMO = json.loads(os.environ.get("BENCH_LOAD_DEMO", "{}"))
PASSWORD = "Longgang2017"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN_CODE = re.compile(r'class="code">([A-Z0-9-]+)<')
WORDS = ["停车", "营商环境", "教育", "养老", "医疗", "交通", "一网通办", "社区", "改革", "审批"]
PLACES = ["平湖街道", "龙城街道", "布吉街道", "坂田街道", "横岗街道"]
PACE = float(os.environ.get("BENCH_LOAD_PACE", "0"))


def pause(user) -> float:
    """Seconds a user waits before its next task: none unpaced. Paced, its tasks are due at random times (a
    Poisson stream, a task of n requests taking n draws), PACE requests a second, however long the ones before
    took (open loop)."""
    if not PACE:
        return 0
    now = time.monotonic()
    sent, user.sent = getattr(user, "sent", 1), 1
    user.due = getattr(user, "due", now) + sum(random.expovariate(PACE) for _ in range(sent))
    return max(0.0, user.due - now)


# The codes residents look up: the demo's, then also those sent during the run (shared by every user).
codes = list(DEMO.get("codes", []))


def check(response, status=200, marker=None):
    """Mark the answer failed unless it has the status and, for a page, the marker text."""
    if response.status_code != status:
        response.failure(f"status {response.status_code}")
    elif marker is not None and marker not in response.text:
        response.failure(f"no {marker!r} in the page")
    else:
        response.success()


def form_token(client, path, name):
    """GET a form and return its CSRF token (None when the page failed)."""
    with client.get(path, name=name, catch_response=True) as response:
        match = CSRF.search(response.text or "") if response.status_code == 200 else None
        if match is None:
            response.failure(f"status {response.status_code}, no CSRF token")
            return None
        response.success()
        return match.group(1)


class Resident(FastHttpUser):
    """Reads the public pages, sends a suggestion through the form and looks suggestions up by code."""

    weight = 1
    wait_time = pause

    @task(4)
    def home(self):
        with self.client.get("/", name="GET /", catch_response=True) as response:
            check(response, marker='href="/suggest"')

    @task(3)
    def heard(self):
        with self.client.get("/heard", name="GET /heard", catch_response=True) as response:
            check(response, marker="<h1")

    @task(2)
    def plans(self):
        with self.client.get("/plans", name="GET /plans", catch_response=True) as response:
            check(response, marker=f'href="/plans/{DEMO["plan_id"]}"')

    @task(2)
    def plan(self):
        with self.client.get(f"/plans/{DEMO['plan_id']}", name="GET /plans/<id>", catch_response=True) as response:
            check(response, marker="<h1")

    @task(2)
    def search(self):
        with self.client.get(
            f"/search?q={quote(random.choice(WORDS))}", name="GET /search?q=", catch_response=True
        ) as response:
            check(response, marker="<h1")

    @task(1)
    def suggest(self):
        token = form_token(self.client, "/suggest", "GET /suggest")
        if token is None:
            return
        place = random.choice(PLACES)
        fields = {
            "csrf_token": token,
            "title": f"{place}{random.choice(WORDS)}问题的建议",
            "content": f"{place}附近{random.choice(WORDS)}方面不便，建议研究改进（{random.randint(1, 10**6)}）。",
            "category_id": "",
            "location": place,
            "contact_name": "",
            "contact_phone": "",
            "contact_email": "",
            "website": "",
        }
        with self.client.post(
            "/suggest", data=fields, name="POST /suggest", allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.status_code == 302 else ""
            code = re.search(r"code=([A-Z0-9]+)", location)
            if code is None:
                response.failure(f"status {response.status_code}, no tracking code")
                return
            response.success()
        with self.client.get(location, name="GET /track (just sent)", catch_response=True) as response:
            self._check_tracking_page(response, code.group(1))
        codes.append(code.group(1))
        self.sent = 3  # the form, the suggestion, its tracking page

    @task(2)
    def lookup(self):
        code = random.choice(codes)
        with self.client.get(f"/track?code={code}", name="GET /track?code=", catch_response=True) as response:
            self._check_tracking_page(response, code)

    @staticmethod
    def _check_tracking_page(response, code):
        shown = SHOWN_CODE.search(response.text or "") if response.status_code == 200 else None
        if shown is None or shown.group(1).replace("-", "") != code:
            response.failure(f"status {response.status_code}, tracking code {code} not shown")
        else:
            response.success()


class Hello(FastHttpUser):
    """The bare reference (bench/hello.py) driven by locust: shows what locust itself can send on this machine."""

    wait_time = constant(0)

    @task
    def hello(self):
        with self.client.get("/", name="hello GET /", catch_response=True) as response:
            check(response, marker="hello")


class Staff(FastHttpUser):
    """Logs in once, then browses the lists of its role."""

    abstract = True
    wait_time = pause
    usernames: list[str] = []
    pages: list[tuple[str, str]] = []  # (path, name)

    def on_start(self):
        self.username = random.choice(self.usernames)
        token = form_token(self.client, "/login", "GET /login")
        if token is None:
            return
        fields = {"csrf_token": token, "username": self.username, "password": PASSWORD}
        with self.client.post(
            "/login", data=fields, name="POST /login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
                response.failure(f"status {response.status_code}: {self.username} not logged in")
            else:
                response.success()

    @task
    def browse(self):
        path, name = random.choice(self.pages)
        with self.client.get(path, name=name, catch_response=True) as response:
            check(response, marker='action="/logout"')  # still logged in: not the login page


class Office(Staff):
    """The reform office: the round's proposals and suggestions (triage), the ranking, the plan, the audit log."""

    fixed_count = 2
    usernames = ["office"]
    pages = [
        (f"/rounds/{DEMO.get('open_round')}/proposals", "office GET /rounds/<open>/proposals"),
        (f"/rounds/{DEMO.get('open_round')}/suggestions", "office GET /rounds/<open>/suggestions"),
        (f"/rounds/{DEMO.get('plan_round')}/proposals", "office GET /rounds/<done>/proposals"),
        (f"/rounds/{DEMO.get('plan_round')}/ranking", "office GET /rounds/<done>/ranking"),
        (f"/rounds/{DEMO.get('plan_round')}/plan", "office GET /rounds/<done>/plan"),
        ("/dashboard", "office GET /dashboard"),
        ("/audit", "office GET /audit"),
    ]


class Unit(Staff):
    """Unit staff: their unit's proposals, the suggestions referred to it, the progress of what it leads."""

    fixed_count = 2
    usernames = ["unit.zhengwuban", "unit.pinghu", "unit.fagaiju"]
    pages = [
        (f"/rounds/{DEMO.get('open_round')}/proposals", "unit GET /rounds/<open>/proposals"),
        ("/referrals", "unit GET /referrals"),
        ("/progress", "unit GET /progress"),
        ("/rounds", "unit GET /rounds"),
    ]
