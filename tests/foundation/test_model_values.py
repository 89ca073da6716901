"""Model instances packed as plain values for the cache (``commerce.core.model_values``)."""

import datetime as dt
import pickletools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from accounts.models import Membership
from commerce.core import model_values
from commerce.core.cache import PickleFirstSerializer
from portals.portal.home import credit_hold_reasons
from tests import factories

pytestmark = pytest.mark.django_db

User = get_model("accounts", "User")


SERIALIZER = PickleFirstSerializer()


def roundtrip(packed):
    """Through the cache's own encoding."""
    return model_values.unpack(SERIALIZER.loads(SERIALIZER.dumps(packed)))


def globals_named(data: bytes) -> list[str]:
    """The classes and functions a pickle would import to load."""
    names = []
    strings = []
    for opcode, argument, _ in pickletools.genops(data):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(argument)
        elif opcode.name == "STACK_GLOBAL":
            names.append(".".join(strings[-2:]))
        elif opcode.name == "GLOBAL":
            names.append(argument)
    return names


def test_a_user_comes_back_equal_and_as_loaded_from_its_database():
    user = factories.UserFactory(first_name="Ada", last_name="Lovelace")
    user.last_login = dt.datetime(2026, 12, 4, 10, 30, 15, 123456, tzinfo=dt.UTC)
    user.save()
    loaded = User.objects.get(pk=user.pk)
    back = roundtrip(model_values.pack(loaded))
    assert type(back) is User
    assert back.pk == user.pk and back.email == user.email
    assert back.get_full_name() == "Ada Lovelace"
    assert back.last_login == user.last_login  # to the microsecond
    assert back.last_login.tzinfo is not None
    assert back.date_joined == loaded.date_joined
    assert back._state.adding is False and back._state.db == "default"
    assert back == loaded


def test_a_datetime_in_another_zone_is_the_same_instant():
    user = factories.UserFactory()
    paris = dt.timezone(dt.timedelta(hours=1))
    user.last_login = dt.datetime(2026, 12, 4, 11, 0, tzinfo=paris)
    back = roundtrip(model_values.pack(user))
    assert back.last_login == dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)


def test_a_deferred_field_stays_deferred_and_saving_never_writes_it():
    user = factories.UserFactory()
    user.set_password("a-long-pass-2026")
    user.save()
    packed = model_values.pack(User.objects.defer("password").get(pk=user.pk))
    assert "password" not in packed[2]
    back = roundtrip(packed)
    assert "password" not in back.__dict__
    back.first_name = "Renamed"
    with CaptureQueriesContext(connection) as ctx:
        back.save()
    (update,) = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith(f'UPDATE "{User._meta.db_table}"')
    ]
    assert "password" not in update  # only the loaded fields are written
    fresh = User.objects.get(pk=user.pk)
    assert fresh.first_name == "Renamed"
    assert fresh.check_password("a-long-pass-2026")
    assert back.check_password("a-long-pass-2026")  # read from the database when asked


def test_private_attributes_are_never_kept():
    user = factories.UserFactory()
    user._perm_cache = {"catalogue.change_product"}
    user._prefetched_objects_cache = {"groups": []}
    back = roundtrip(model_values.pack(user))
    assert not hasattr(back, "_perm_cache")
    assert "_prefetched_objects_cache" not in back.__dict__


def test_a_membership_keeps_its_company_and_annotation_and_may_leave_out_its_user():
    acme = factories.business("Acme Industrial")
    membership = factories.MembershipFactory(company=acme, role="approver")
    loaded = (
        Membership.objects.select_related("company", "user")
        .annotate(credit_hold_reason=credit_hold_reasons())
        .get(pk=membership.pk)
    )
    back = roundtrip(model_values.pack(loaded, without=("user",)))
    assert "user" not in back._state.fields_cache
    assert back.role == "approver" and back.credit_hold_reason is None
    with CaptureQueriesContext(connection) as ctx:
        assert back.company.name == "Acme Industrial"
        assert back.company.status == acme.status
    assert ctx.captured_queries == []  # from its related-object cache
    assert back.company._state.adding is False
    assert back.created_at == loaded.created_at


def test_a_packed_instance_imports_nothing_to_load():
    acme = factories.business("Acme Industrial")
    membership = factories.MembershipFactory(company=acme)
    loaded = Membership.objects.select_related("company", "user").get(pk=membership.pk)
    assert globals_named(SERIALIZER.dumps(model_values.pack(loaded))) == []
    assert "django.db.models.base.model_unpickle" in globals_named(SERIALIZER.dumps(loaded))


def test_the_cache_reads_numbers_and_pickles_alike():
    for value in (0, -7, 10**20, "18ee094a119860cb", {"html": "<p>"}, None, 3.5, [1, "a"]):
        stored = SERIALIZER.dumps(value)
        if isinstance(stored, int):  # Redis keeps an integer as its digits
            stored = str(stored).encode()
        assert SERIALIZER.loads(stored) == value
    assert SERIALIZER.loads(b"42") == 42  # as ``incr`` leaves it in Redis
