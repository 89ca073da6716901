"""On-account orders inside the credit limit; never overdrawn, even by racing orders."""

import threading

import pytest
from django.db import connection
from oscar.core.loading import get_model

from commerce.billing import credit
from commerce.billing.credit import CreditHold, CreditLimitExceeded
from commerce.billing.models import LedgerEntry
from tests import factories
from tests.billing.conftest import THOUSAND, place_on_account

Order = get_model("order", "Order")


@pytest.mark.django_db
def test_an_order_over_the_available_credit_is_refused_with_the_shortfall(company, account):
    for _ in range(9):
        place_on_account(company)

    with pytest.raises(CreditLimitExceeded) as refused:
        place_on_account(company, net_price="1680.67")  # 2,000.00 gross

    assert refused.value.shortfall == THOUSAND
    assert "by 1000.00 EUR" in str(refused.value)
    assert Order.objects.count() == 9
    assert credit.exposure_of(account) == 9 * THOUSAND


@pytest.mark.django_db
def test_the_reservation_is_a_ledger_row_with_the_order(company, account):
    order = place_on_account(company)

    entry = LedgerEntry.objects.get(account=account)
    assert (entry.kind, entry.amount, entry.order) == ("order_reserved", THOUSAND, order)


@pytest.mark.django_db
def test_a_held_account_cannot_order_on_account(company, account):
    credit.credit_hold(account=account, reason="overdue invoices")

    with pytest.raises(CreditHold):
        place_on_account(company)


@pytest.mark.django_db
def test_a_company_on_hold_cannot_order_on_account(company, account):
    company.status = "on_hold"
    company.save()

    with pytest.raises(CreditHold):
        place_on_account(company)


@pytest.mark.django_db
def test_the_portal_shows_the_refusal_and_a_card_still_works(company, account, portal_client):
    from tests.helpers import portal_checkout

    credit.credit_hold(account=account, reason="overdue invoices")
    portal_client.force_login(factories.MembershipFactory(company=company).user)
    product = factories.ProductFactory(stock=5)
    portal_client.post(f"/basket/add/{product.pk}/", {"quantity": 1})

    refused = portal_checkout(portal_client, payment_method="account")
    by_card = portal_checkout(portal_client, payment_method="card")

    assert refused.status_code == 400
    assert "credit hold" in refused.content.decode()
    assert by_card.status_code == 302
    assert Order.objects.get().payment_method == "card"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_orders_of_1000_against_a_10000_limit_accept_exactly_ten():
    company = factories.CompanyFactory()
    factories.CompanyAddressFactory(company=company, is_default=True)
    account = factories.credit_account(company, limit="10000.00")
    from pricing.strategy import Selector
    from tests.billing.conftest import Basket

    product = factories.ProductFactory(stock=1000, stock__price="840.34")
    baskets = []
    for _ in range(20):
        user = factories.MembershipFactory(company=company).user
        basket = Basket.objects.create(owner=user, site_id=2, company=company)
        basket.strategy = Selector().strategy(channel="portal", user=user, company=company)
        basket.add_product(product, 1)
        baskets.append((user, basket))
    barrier = threading.Barrier(20)
    outcomes = []

    def place(user, basket):
        from commerce.checkout.placement import CheckoutRequest, order_place

        ship_to = company.addresses.get(is_default=True)
        try:
            barrier.wait()
            order_place(
                basket=basket,
                request=CheckoutRequest(
                    channel="portal",
                    user=user,
                    company=company,
                    shipping_address={
                        f: getattr(ship_to, f)
                        for f in ("last_name", "line1", "line4", "postcode", "country")
                    },
                    shipping_method_code="freight",
                    payment_method="account",
                ),
            )
            outcomes.append("accepted")
        except CreditLimitExceeded:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=place, args=pair) for pair in baskets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes) == ["accepted"] * 10 + ["refused"] * 10
    assert credit.exposure_of(account) == 10 * THOUSAND
    assert Order.objects.count() == 10
