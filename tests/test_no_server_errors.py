"""No input makes the platform answer 5xx: every route of the URL map, as every role, with paths, query strings and
form bodies made by hypothesis (integers at the edges of 32 and 64 bits, huge and negative numbers, NUL bytes, lone
surrogates, line breaks, wrong types, the world's real ids). The world is the authorization matrix's.

FUZZ_CASES sets the cases a route and role (20 by default, the issue's floor).
"""

import functools
import os
import re
from urllib.parse import quote, quote_plus, urlencode

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests.world import ROLES, Caller, routes

pytestmark = pytest.mark.shared_world

CASES = int(os.environ.get("FUZZ_CASES", "20"))

EDGE_NUMBERS = [0, 1, -1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**20, -(10**20)]
NASTY = [
    b"",
    b"\x00",
    b"a\x00b",
    b"\r\n",
    b"a\r\nBcc: x@evil.example",
    b"\xed\xa0\x80",  # a lone surrogate, as UTF-8 would write it
    b"\xff\xfe",  # not UTF-8 at all
    b"//evil.example/",
    b"/%0a",
    b"\\\\evil.example",
    b"javascript:alert(1)",
    b"1e308",
    b"NaN",
    b"-0",
    b"1.5",
    b"true",
    b"[]",
    b"{}",
    "２０".encode(),
    "\u202e改革".encode(),
    "改革" * 3000,
]
NASTY[-1] = NASTY[-1].encode()
# Query arguments the views read themselves, beyond the forms' fields.
QUERY_NAMES = [
    "page", "per_page", "q", "next", "order", "export", "text", "sort", "show", "round", "quarter", "new", "k",
    "flag", "channel", "back", "a", "b", "status", "code", "fmt", "action", "suggestion_id", "expert_id", "pair",
    "hide",
]  # fmt: skip


def form_field_names() -> list[str]:
    """The names of every field of every form the application declares."""
    names, forms = set(), [FlaskForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        names.update(name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField))
    return sorted(names)


FORM_FIELDS = form_field_names()


def values(world) -> st.SearchStrategy[bytes]:
    real = sorted({str(value).encode() for value in world["args"].values()} | {world["tracking_code"].encode()})
    return st.one_of(
        st.sampled_from(EDGE_NUMBERS).map(lambda number: str(number).encode()),
        st.sampled_from(NASTY),
        st.sampled_from(real),
        st.text(max_size=30).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=12),
    )


def path(rule, world, chosen: dict[str, bytes]) -> str:
    """The rule's path with each argument replaced by its chosen value, percent-encoded as a browser would send it."""
    defaults = {**world["args"], **world["overrides"].get(rule.endpoint, {})}

    def fill(match):
        name = match.group(1)
        value = chosen.get(name, str(defaults.get(name, "1")).encode())
        return quote(value, safe="") or "x"

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", fill, rule.rule)


# The same values come back case after case (the longest is 50 kB once encoded): each is encoded once.
quote_once = functools.cache(quote_plus)


def send(caller, method: str, url: str, sent: list[tuple[str, bytes]]):
    """A GET with `sent` as its query string, or a POST with it as its form body (and a valid CSRF token)."""
    if method == "GET":
        return caller.client.get(f"{url}?{urlencode(sent, quote_via=quote_once)}", headers=caller.headers_for(url))
    return caller.client.post(
        url,
        data=urlencode([*sent, ("csrf_token", caller.client.csrf_token())], quote_via=quote_once),
        content_type="application/x-www-form-urlencoded",
        headers=caller.headers_for(url),
        csrf=False,
    )


def field_names(caller, world, rule) -> list[str]:
    """The names of the inputs on the route's own page as the caller sees it (a form posts to where it is drawn)."""
    if "GET" not in rule.methods:
        return []
    page = caller.client.get(path(rule, world, {}), headers=caller.headers_for(rule.rule))
    if page.mimetype != "text/html":
        return []
    return sorted(set(re.findall(r'name="([^"]+)"', page.get_data(as_text=True))) - {"csrf_token"})


def fuzz(caller, world, value: st.SearchStrategy[bytes], method: str, rule) -> int:
    """Send CASES made-up requests to one route, each part a `value`; fail with the smallest that answers 5xx.
    Return how many ran."""
    cases = 0
    # Each of the page's own inputs and of the arguments views read is sent or not, with a value made up, and a
    # few fields of other forms beside them.
    own = st.fixed_dictionaries({}, optional=dict.fromkeys(field_names(caller, world, rule) + QUERY_NAMES, value))
    others = st.lists(st.tuples(st.sampled_from(FORM_FIELDS), value), max_size=3)
    fields = st.builds(lambda mine, theirs: [*mine.items(), *theirs], own, others)

    @settings(
        max_examples=CASES, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(chosen=st.fixed_dictionaries({}, optional=dict.fromkeys(rule.arguments, value)), sent=fields)
    def case(chosen, sent):
        nonlocal cases
        cases += 1
        url = path(rule, world, chosen)
        try:
            status = send(caller, method, url, sent).status_code
        except Exception as error:  # the test client passes on what would have been a 500
            raise AssertionError(f"{method} {url} {sent!r} raised {type(error).__name__}: {error}") from error
        assert status < 500 or (rule.endpoint, status) in ANSWERS, f"{method} {url} {sent!r} answered {status}"

    case()
    return cases


# The health check answers 503 when a part of the platform is down: that is its answer, not an error.
ANSWERS = {("health.health", 503)}
# Logging out would turn the rest of a role's run into the anonymous one.
SKIP = {"POST accounts.logout"}


@pytest.mark.parametrize("role", ROLES)
def test_no_input_makes_any_route_answer_a_server_error(app, world, role):
    caller = Caller(app, world, role)
    # One strategy for every value sent: hypothesis works out what it can draw once, not once a field and route.
    value = values(world)
    failures, cases = [], 0
    for key, rule in routes(app):
        if key not in SKIP:
            try:
                cases += fuzz(caller, world, value, key.split()[0], rule)
            except AssertionError as error:  # hypothesis has shrunk it to the smallest request that fails
                failures.append(str(error).splitlines()[0][:400])
    print(f"{role}: {cases} cases")
    assert not failures, f"{len(failures)} routes answered 5xx as {role}:\n" + "\n".join(failures)
