"""Share the basket, someone else pays: links, binding to the payer, edits, payment."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.basket import sharing, tasks
from commerce.order import status as order_status
from tests import factories
from tests.helpers import ADDRESS, APPROVED_CARD, DECLINED_CARD

Basket = get_model("basket", "Basket")
BasketShare = get_model("basket", "BasketShare")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

PAYER = "parent@example.com"


def sent():
    """Run the block's on-commit work (emails) as a real commit would."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def storefront() -> Client:
    return Client(HTTP_HOST=settings.STOREFRONT_HOST)


@pytest.fixture
def requester(db):
    return factories.UserFactory(email="teen@example.com", first_name="Tess", last_name="Teen")


@pytest.fixture
def products(db):
    factories.CountryFactory()
    return [
        factories.ProductFactory(title="Headphones", stock=20, stock__price="50.00"),
        factories.ProductFactory(title="Phone case", stock=20, stock__price="10.00"),
    ]


@pytest.fixture
def teen(requester, products):
    client = storefront()
    client.force_login(requester)
    client.post(f"/basket/add/{products[0].pk}/", {"quantity": 1})
    client.post(f"/basket/add/{products[1].pk}/", {"quantity": 2})
    return client


def share_basket(client, payer=PAYER, message="Birthday present?"):
    mail.outbox.clear()
    with sent():
        response = client.post("/basket/share/", {"payer_email": payer, "message": message})
    assert response.status_code == 302, response.content.decode()[:2000]
    return BasketShare.objects.latest("pk")


def link() -> str:
    invite = next(m for m in mail.outbox if m.to == [PAYER] and "asked you to pay" in m.subject)
    found = re.search(r"https?://\S+", invite.body)
    return re.sub(r"^https?://[^/]+", "", found.group(0))


def confirm_by_code(client, url):
    mail.outbox.clear()
    with sent():
        client.post(f"{url}code/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    client.post(f"{url}confirm/", {"code": code})


def pay(client, url, card=APPROVED_CARD, method="standard", **overrides):
    page = client.get(url)
    total = next(o["total"].incl_tax for o in page.context["options"] if o["method"].code == method)
    data = {
        **ADDRESS,
        "shipping_method": method,
        f"expected_total_{method}": str(total),
        "number": card,
        "expiry": "12/39",
        "cvc": "123",
        **overrides,
    }
    return client.post(url, data)


# --- sharing --------------------------------------------------------------------------------


def test_sharing_freezes_the_basket_and_emails_the_payer_a_link(teen, requester):
    share = share_basket(teen)

    assert share.basket.status == Basket.FROZEN
    assert share.requester == requester and share.payer_email == PAYER
    invite = mail.outbox[-1]
    assert invite.to == [PAYER]
    assert "Tess Teen asked you to pay" in invite.subject
    assert '"Birthday present?"' in invite.body  # plain text, not HTML-escaped
    assert "/shared-basket/" in invite.body
    # The requester shops on with a new, empty basket.
    assert "Your basket is empty" in teen.get("/basket/").content.decode()
    listing = teen.get("/accounts/shared-baskets/").content.decode()
    assert PAYER in listing and "Waiting for the payer" in listing


@pytest.mark.parametrize(
    "payer, message",
    [
        ("not-an-email", "Enter a valid email address."),
        ("teen@example.com", "That is your own address"),
    ],
)
def test_bad_share_requests_are_refused_and_the_basket_stays(teen, payer, message):
    response = teen.post("/basket/share/", {"payer_email": payer})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BasketShare.objects.exists()
    assert Basket.objects.get(owner__email="teen@example.com").status == Basket.OPEN


def test_an_empty_basket_cannot_be_shared(requester):
    client = storefront()
    client.force_login(requester)
    response = client.post("/basket/share/", {"payer_email": PAYER})
    assert response.status_code == 400
    assert "Your basket is empty." in response.content.decode()


def test_sharing_needs_an_account(products):
    response = storefront().get("/basket/share/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the link -------------------------------------------------------------------------------


def test_before_confirming_the_link_shows_nothing_of_the_basket(teen):
    share_basket(teen)
    page = storefront().get(link()).content.decode()
    assert "Headphones" not in page
    assert "Email me a code" in page and "Sign in with that address" in page


def test_a_tampered_link_is_refused(teen):
    share_basket(teen)
    url = link()
    token = url.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = storefront().get(f"/shared-basket/{forged}/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert storefront().get("/shared-basket/garbage/").status_code == 404


def test_an_expired_link_is_refused_and_the_basket_goes_back(teen, requester):
    share = share_basket(teen)
    url = link()
    BasketShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = storefront().get(url)

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    share.refresh_from_db()
    assert share.status == BasketShare.Status.EXPIRED
    basket = Basket.objects.get(pk=share.basket_id)
    assert basket.status == Basket.OPEN  # the requester had no other basket
    assert "Headphones" in teen.get("/basket/").content.decode()


def test_expiry_merges_the_items_into_the_basket_the_requester_has_now(teen, products, committed):
    share = share_basket(teen)
    teen.post(f"/basket/add/{products[1].pk}/", {"quantity": 1})  # a new basket
    BasketShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    mail.outbox.clear()

    with committed():
        assert tasks.expire_basket_shares() == 1

    current = Basket.open.get(owner__email="teen@example.com")
    assert {line.product_id: line.quantity for line in current.lines.all()} == {
        products[0].pk: 1,
        products[1].pk: 3,
    }
    assert Basket.objects.get(pk=share.basket_id).status == Basket.MERGED
    assert mail.outbox[-1].to == ["teen@example.com"]
    assert "expired" in mail.outbox[-1].subject


def test_the_code_binds_the_link_to_the_payers_browser_only(teen):
    share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)

    assert "Headphones" in parent.get(url).content.decode()
    stranger = storefront()
    refused = stranger.get(url)
    assert refused.status_code == 403
    assert "shared with someone else" in refused.content.decode()
    assert stranger.post(f"{url}code/").status_code == 403
    # Not even the requester may open it.
    assert teen.get(url).status_code == 403


def test_wrong_codes_are_counted_and_then_refused(teen):
    share = share_basket(teen)
    url = link()
    parent = storefront()
    with sent():
        parent.post(f"{url}code/")
    real = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    wrong = "000000" if real != "000000" else "111111"
    for _ in range(sharing.MAX_CODE_ATTEMPTS):
        response = parent.post(f"{url}confirm/", {"code": wrong}, follow=True)
        assert "That code is not right." in response.content.decode()

    response = parent.post(f"{url}confirm/", {"code": real}, follow=True)

    assert "Too many wrong codes" in response.content.decode()
    share.refresh_from_db()
    assert not share.is_bound


def test_codes_are_rate_limited(teen):
    share_basket(teen)
    url = link()
    parent = storefront()
    with sent():
        parent.post(f"{url}code/")
        again = parent.post(f"{url}code/", follow=True)
    assert "wait a minute" in again.content.decode()
    assert len([m for m in mail.outbox if "Your code" in m.subject]) == 1


def test_signing_in_with_the_payers_address_binds_the_link_to_that_account(teen):
    share = share_basket(teen)
    url = link()
    parent_user = factories.UserFactory(email=PAYER)
    parent = storefront()
    parent.force_login(parent_user)

    assert "Headphones" in parent.get(url).content.decode()
    share.refresh_from_db()
    assert share.payer == parent_user
    # Another account, even in a fresh browser, gets nothing.
    other = storefront()
    other.force_login(factories.UserFactory(email="someone@example.com"))
    assert other.get(url).status_code == 403


def test_a_different_account_cannot_claim_an_unconfirmed_link(teen):
    share = share_basket(teen)
    other = storefront()
    other.force_login(factories.UserFactory(email="someone@example.com"))
    response = other.get(link())
    assert response.status_code == 403
    assert "another email address" in response.content.decode()
    share.refresh_from_db()
    assert not share.is_bound


# --- edits and payment ----------------------------------------------------------------------


def test_the_payer_edits_quantities_and_removes_lines(teen, products):
    share = share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    lines = {line.product_id: line for line in share.basket.lines.all()}

    parent.post(
        f"{url}lines/",
        {
            f"quantity-{lines[products[0].pk].pk}": "2",
            f"quantity-{lines[products[1].pk].pk}": "0",
        },
    )

    assert {line.product_id: line.quantity for line in share.basket.lines.all()} == {
        products[0].pk: 2
    }
    share.refresh_from_db()
    assert share.changes == [
        {"product": "Headphones", "from": 1, "to": 2},
        {"product": "Phone case", "from": 2, "to": 0},
    ]


def test_an_invalid_edit_changes_nothing(teen, products):
    share = share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    lines = {line.product_id: line for line in share.basket.lines.all()}

    response = parent.post(
        f"{url}lines/",
        {
            f"quantity-{lines[products[0].pk].pk}": "5",
            f"quantity-{lines[products[1].pk].pk}": "500",  # more than in stock
        },
        follow=True,
    )

    assert "Phone case" in response.content.decode()
    assert {line.product_id: line.quantity for line in share.basket.lines.all()} == {
        products[0].pk: 1,
        products[1].pk: 2,
    }
    other_basket = factories.ProductFactory()
    assert parent.post(f"{url}lines/", {"quantity-999999": "1"}, follow=True).status_code == 200
    assert parent.post(f"{url}lines/", {f"quantity-{other_basket.pk}": "x"}).status_code == 302


def test_the_payer_pays_and_the_order_is_the_requesters(teen, requester, products, committed):
    share = share_basket(teen, message="")
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    lines = {line.product_id: line for line in share.basket.lines.all()}
    parent.post(f"{url}lines/", {f"quantity-{lines[products[1].pk].pk}": "1"})
    mail.outbox.clear()

    with committed():
        response = pay(parent, url)

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.user == requester
    assert order.payer_email == PAYER and order.paid_by is None
    assert order.site_id == settings.STOREFRONT_SITE_ID
    assert order.status == order_status.PLACED
    assert {line.product_id: line.quantity for line in order.lines.all()} == {
        products[0].pk: 1,
        products[1].pk: 1,
    }
    assert order.sources.get().amount_debited == order.total_incl_tax  # captured
    share.refresh_from_db()
    assert share.status == BasketShare.Status.PAID and share.order == order
    assert Basket.objects.get(pk=share.basket_id).status == Basket.SUBMITTED
    told = [
        m
        for m in mail.outbox
        if m.to == ["teen@example.com"] and "paid for your basket" in m.subject
    ]
    assert told and "Phone case: 2 → 1" in told[0].body
    receipt = [m for m in mail.outbox if m.to == [PAYER] and "Receipt" in m.subject]
    assert receipt and str(order.number) in receipt[0].subject
    # The payer sees a thank-you page; the requester sees the order in their account.
    assert "You paid" in parent.get(url).content.decode()
    assert str(order.number) in teen.get("/accounts/orders/").content.decode()


def test_a_paid_link_cannot_be_used_again(teen):
    share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    pay(parent, url)
    expected = str(Order.objects.get().total_incl_tax)

    again = parent.post(
        url,
        {
            **ADDRESS,
            "shipping_method": "standard",
            "expected_total_standard": expected,
            "number": APPROVED_CARD,
            "expiry": "12/39",
            "cvc": "123",
        },
    )

    assert Order.objects.count() == 1
    assert again.status_code == 200 and "You paid" in again.content.decode()
    stranger = storefront().get(url)
    assert stranger.status_code == 410
    assert "cannot be used again" in stranger.content.decode()
    assert parent.post(f"{url}lines/", {}).status_code == 200  # the thank-you page, no change


def test_a_declined_card_leaves_the_share_open_and_nothing_held(teen, products):
    share = share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)

    response = pay(parent, url, card=DECLINED_CARD)

    assert response.status_code == 400
    assert "declined" in response.content.decode().lower()
    assert not Order.objects.exists()
    share.refresh_from_db()
    assert share.is_open
    assert not any(StockRecord.objects.values_list("num_allocated", flat=True))
    assert pay(parent, url).status_code == 302
    assert Order.objects.count() == 1


def test_a_bad_address_is_a_clear_error(teen):
    share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    response = pay(parent, url, postcode="", line1="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Order.objects.exists()


def test_prices_are_the_requesters(teen, requester, products):
    """The order is the requester's: their prices apply, whoever pays."""
    share = share_basket(teen)
    basket = sharing.priced_basket(share)
    assert basket.total_incl_tax == sum(
        (line.line_price_incl_tax for line in basket.all_lines()), Decimal("0")
    )
    assert basket.strategy.buyer == requester


def test_the_payer_declines_and_the_requester_gets_the_basket_back(teen, committed):
    share = share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)
    mail.outbox.clear()

    with committed():
        response = parent.post(f"{url}decline/")

    assert "You declined" in response.content.decode()
    share.refresh_from_db()
    assert share.status == BasketShare.Status.DECLINED
    assert Basket.objects.get(pk=share.basket_id).status == Basket.OPEN
    assert mail.outbox[-1].to == ["teen@example.com"] and "declined" in mail.outbox[-1].subject
    assert parent.get(url).status_code == 410


def test_the_requester_cancels_and_the_link_stops_working(teen, requester):
    share = share_basket(teen)
    url = link()
    response = teen.post(f"/accounts/shared-baskets/{share.pk}/cancel/", follow=True)
    assert "back in your basket" in response.content.decode()
    assert storefront().get(url).status_code == 410
    other = factories.UserFactory()
    intruder = storefront()
    intruder.force_login(other)
    assert intruder.post(f"/accounts/shared-baskets/{share.pk}/cancel/").status_code == 404


def test_the_payer_starts_from_the_requesters_delivery_address(teen, requester):
    """The requester's default delivery address is filled in for the payer, who
    may keep it or change it."""
    UserAddress = get_model("address", "UserAddress")
    UserAddress.objects.create(
        user=requester,
        first_name="Tess",
        last_name="Teen",
        line1="Lindenallee 7",
        line4="Potsdam",
        postcode="14467",
        country=factories.CountryFactory(),
        is_default_for_shipping=True,
    )
    share_basket(teen)
    url = link()
    parent = storefront()
    confirm_by_code(parent, url)

    page = parent.get(url).content.decode()

    assert 'value="Lindenallee 7"' in page
    assert 'value="14467"' in page
