"""Only the reform office: one rule, one message and one status, whichever package refuses."""

import pytest

from accounts.errors import AccountError
from accounts.permissions import check_office
from jobs.errors import JobError
from plan.errors import PlanError
from review.errors import ReviewError
from search_index.errors import SearchError
from solicitation.errors import SolicitationError
from tests.factories import make_user

PACKAGE_ERRORS = [AccountError, SolicitationError, ReviewError, PlanError, SearchError, JobError]


@pytest.mark.parametrize("error", PACKAGE_ERRORS, ids=lambda error: error.__name__)
@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader", None])
def test_every_package_refuses_others_than_the_office_with_the_same_message_and_403(error, role):
    actor = make_user(role=role) if role else None
    with pytest.raises(error) as refused:
        check_office(actor, error)
    assert refused.value.code == "office_only"
    assert refused.value.message == "仅改革办可执行此操作。"
    assert refused.value.status == 403


def test_the_office_passes():
    check_office(make_user(role="office"), ReviewError)
