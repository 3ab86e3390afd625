"""Fixtures of the backup tests: indexed data with an uploaded file, and what a restore is checked by."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from backup import services
from extensions import db
from search_index import services as search
from solicitation.services import proposals
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ON_POSTGRESQL = (TEST_DATABASE_URL or "").startswith("postgresql")


@pytest.fixture(autouse=True)
def _empty_index():
    """Leave no document of these tests in the index for the tests after them."""
    yield
    search.backend().clear()


@pytest.fixture
def data():
    """A round with a unit's proposal carrying an attachment and two residents' suggestions, all indexed."""
    office = make_user(role="office")
    author = make_user(role="unit_staff")
    round = make_open_round()
    proposal = make_proposal(round=round, author=author, title="推进家庭医生签约服务")
    attachment = proposals.add_attachment(actor=author, proposal=proposal, filename="方案.pdf", data=PDF)
    make_suggestion(round=round, title="建议推行“一网通办”")
    make_suggestion(round=round, title="社区食堂开到晚上", content="上班族下班后吃不上饭。")
    search.rebuild()
    return {"office": office, "author": author, "round": round, "proposal": proposal, "attachment": attachment}


def upload_files(app) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def restore(path: Path) -> dict:
    with services.unpacked(path) as archive:
        return services.restore_backup(archive=archive)
