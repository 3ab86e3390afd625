"""The API keeps its OpenAPI document: schemathesis sends generated requests, those the document allows and those
it forbids, through the WSGI app to every operation, and checks each answer against the document.

A run fails on any 5xx, any status the operation does not list, any body or header not matching its schema, a
forbidden input accepted, or an office operation answering without its token.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts import services as accounts
from extensions import limiter
from tests.factories import make_open_round, make_suggestion, make_user

# Per operation and mode: 5 operations, 9 runs (a tracking code has nothing the schema forbids) × 225 = 2,025 cases.
EXAMPLES = 225
MINIMUM_CASES = 2_000
RUN = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same cases on every run
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
# A request the document allows may still break a rule (a round not soliciting, a category of another round):
# that is a listed 422, not a refusal of the schema, so valid input is not required to succeed.
EXCLUDED = [positive_data_acceptance]
# Any text is a tracking code to look up: no request to it breaks the schema.
NOTHING_TO_FORBID = {"GET /api/v1/suggestions/{code}"}


@pytest.fixture
def world(app, monkeypatch):
    """A round collecting suggestions, with categories and one suggestion, and an office token."""
    round = make_open_round()
    suggestion = make_suggestion(round=round)
    token = accounts.create_api_token(actor=None, user=make_user(role="office"), name="contract")
    for limit in ("PUBLIC_POST_RATE_LIMIT", "LOOKUP_RATE_LIMIT"):
        monkeypatch.setitem(app.config, limit, "1000000 per minute")
    limiter.reset()
    yield {"round_id": round.id, "code": suggestion.tracking_code, "token": f"Bearer {token}"}
    limiter.reset()


def _cases(operation, world):
    """Cases of both modes; half of them aimed at the records that exist, so the answers that find something
    are checked too."""
    known = {"round_id": world["round_id"], "code": world["code"]}
    known = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    if operation.label in NOTHING_TO_FORBID:
        modes.remove(GenerationMode.NEGATIVE)
    for mode in modes:
        strategies = [operation.as_strategy(generation_mode=mode)]
        if known and mode is GenerationMode.POSITIVE:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
        yield mode, st.one_of(strategies)


def test_every_answer_keeps_the_openapi_document(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        office = "security" in operation.definition.raw
        for mode, cases in _cases(operation, world):
            # A forbidden case of an office operation may be one without its token: send it so.
            token_may_drop = office and mode is GenerationMode.NEGATIVE

            @RUN
            @given(case=cases, with_token=st.just(True) if office else st.booleans())
            def check(case, with_token):
                ran.append(case)
                dropped = token_may_drop and "Authorization" not in (case.headers or {})  # noqa: B023 (run at once)
                headers = {"Authorization": world["token"]} if with_token and not dropped else {}
                with app.app_context():  # each request in its own context, as a server runs it
                    case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)

            check()
    print(f"schemathesis ran {len(ran)} cases")
    assert len(ran) >= MINIMUM_CASES
