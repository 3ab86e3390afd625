"""A second app whose pages fail as a bug would make them fail, for the 500 page and its log."""

import pytest

from app import create_app
from extensions import db


@pytest.fixture
def failing_client(app, tmp_path):
    """A client of an app on the test database where /boom and /api/v1/boom raise an unexpected error."""
    broken = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,  # answer with the 500 page, as production does
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )

    def boom():
        raise RuntimeError("an unexpected bug")

    broken.add_url_rule("/boom", "boom", boom)
    broken.add_url_rule("/api/v1/boom", "api_boom", boom)
    yield broken.test_client()
    with broken.app_context():
        db.engine.dispose()
