from tests.api.conftest import (  # noqa: F401  (shared API fixtures)
    _fresh_throttles,
    company,
    other_company,
    outsider,
    people,
    vat,
)
