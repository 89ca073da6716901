"""The sandbox gateway keeps its holds as a remote gateway would: losing the
cache (Redis stopped, its data gone) loses no authorization."""

from decimal import Decimal

import pytest

from commerce.payments.gateway import PaymentDeclined, PaymentUnavailable
from commerce.payments.models import SandboxAuthorization
from commerce.payments.sandbox import SandboxGateway

pytestmark = pytest.mark.django_db


def authorize(gateway, amount="25.00"):
    return gateway.authorize(
        token="tok_sandbox_approve", amount=Decimal(amount), currency="EUR", reference="100001"
    )


def test_capture_void_and_refund_work_after_the_cache_lost_everything(redis_cache):
    gateway = SandboxGateway()
    captured = authorize(gateway)
    voided = authorize(gateway, "12.00")

    redis_cache.stop()  # without persistence: every cached key is gone
    redis_cache.start()

    assert gateway.capture(authorization_id=captured.id, amount=Decimal("25.00")).amount == (
        Decimal("25.00")
    )
    assert gateway.refund(authorization_id=captured.id, amount=Decimal("5.00")).amount == (
        Decimal("5.00")
    )
    assert gateway.void(authorization_id=voided.id).amount == Decimal("12.00")
    hold = SandboxAuthorization.objects.get(authorization_id=captured.id)
    assert (hold.captured, hold.refunded, hold.void) == (Decimal("25.00"), Decimal("5.00"), False)
    assert SandboxAuthorization.objects.get(authorization_id=voided.id).void is True


def test_capture_works_while_redis_is_stopped(redis_cache):
    gateway = SandboxGateway()
    authorization = authorize(gateway)
    redis_cache.stop()
    gateway.capture(authorization_id=authorization.id, amount=Decimal("25.00"))
    assert SandboxAuthorization.objects.get(authorization_id=authorization.id).captured == (
        Decimal("25.00")
    )


def test_the_gateway_still_refuses_what_a_gateway_refuses():
    gateway = SandboxGateway()
    authorization = authorize(gateway)
    with pytest.raises(PaymentDeclined):
        gateway.capture(authorization_id=authorization.id, amount=Decimal("25.01"))
    gateway.capture(authorization_id=authorization.id, amount=Decimal("20.00"))
    with pytest.raises(PaymentDeclined):
        gateway.void(authorization_id=authorization.id)
    with pytest.raises(PaymentDeclined):
        gateway.capture(authorization_id=authorization.id, amount=Decimal("5.01"))
    with pytest.raises(PaymentDeclined):
        gateway.refund(authorization_id=authorization.id, amount=Decimal("20.01"))
    with pytest.raises(PaymentUnavailable):
        gateway.capture(authorization_id="auth_sandbox_unknown", amount=Decimal("1.00"))
