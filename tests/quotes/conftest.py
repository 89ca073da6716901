import pytest

from accounts import staff_policy
from tests import factories
from tests.api.conftest import (  # noqa: F401  (shared API fixtures)
    _fresh_throttles,
    company,
    other_company,
    outsider,
    people,
    vat,
)


@pytest.fixture
def rep(company):  # noqa: F811  (the shared fixture above)
    """A sales rep who looks after ``company``."""
    user = factories.StaffFactory(is_superuser=False, email="rep@seller.example")
    staff_policy.staff_role_assign(user=user, role_key="sales_rep")
    company.sales_reps.add(user)
    return user
