"""Fixtures of the search tests: a clean index of each backend the database allows, and the worker's step."""

import pytest

from search_index import services
from tests.conftest import TEST_DATABASE_URL

# The same tests run against Whoosh and, on PostgreSQL, against the database's own full-text search.
BACKENDS = ["whoosh"] + (["postgresql"] if (TEST_DATABASE_URL or "").startswith("postgresql") else [])


@pytest.fixture(params=BACKENDS)
def search(app, request):
    """A clean index of one backend; call `search.apply()` to run the worker's step as the server would."""
    app.config["SEARCH_BACKEND"] = request.param
    app.extensions.pop("search_backend", None)
    services.backend().clear()
    yield Search()
    app.config["SEARCH_BACKEND"] = "whoosh"
    app.extensions.pop("search_backend", None)


class Search:
    @staticmethod
    def apply() -> int:
        """Apply everything queued; returns how many queue rows were done."""
        done = 0
        while step := services.process_queue():
            done += step
        return done
