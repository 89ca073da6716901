"""A request for quote straight from a shopping list, through the one quote
service: the list's lines become the quote's; a viewer or an empty list asks
for nothing; another company's list is a 404."""

import pytest

from commerce.lists import services
from commerce.quotes.models import Quote
from tests import factories

pytestmark = pytest.mark.django_db


def a_list(people, company, *products):
    membership = people["buyer"].memberships.get(company=company)
    shopping_list = services.list_create(membership=membership, name="Line 3", shared=True)
    for quantity, product in enumerate(products, start=4):
        services.list_line_add(shopping_list=shopping_list, product=product, quantity=quantity)
    return shopping_list


def test_a_buyer_asks_for_a_quote_of_the_whole_list(portal_client, company, people):
    bolt = factories.ProductFactory(upc="BOLT-1", stock=50)
    nut = factories.ProductFactory(upc="NUT-1", stock=50)
    shopping_list = a_list(people, company, bolt, nut)
    portal_client.force_login(people["buyer"])

    response = portal_client.post(
        f"/lists/{shopping_list.pk}/", {"action": "quote", "message": "Yearly volume"}
    )

    quote = Quote.objects.get()
    assert response.status_code == 302 and response.url == f"/quotes/{quote.pk}/"
    assert quote.company == company and quote.requested_by == people["buyer"]
    assert sorted((x.product_id, x.quantity) for x in quote.lines.all()) == [
        (bolt.pk, 4),
        (nut.pk, 5),
    ]
    assert quote.message == "From the list 'Line 3'.\nYearly volume"
    assert shopping_list.lines.count() == 2  # the list stays as it was
    page = portal_client.get(f"/lists/{shopping_list.pk}/")
    assert 'id="list_quote"' in page.content.decode()


def test_a_viewer_cannot_ask_for_a_quote(portal_client, company, people):
    shopping_list = a_list(people, company, factories.ProductFactory(stock=5))
    portal_client.force_login(people["viewer"])

    page = portal_client.post(f"/lists/{shopping_list.pk}/", {"action": "quote"}, follow=True)

    assert page.status_code == 200
    assert not Quote.objects.exists()
    assert 'id="list_quote"' not in page.content.decode()


def test_an_empty_list_asks_for_nothing(portal_client, company, people):
    shopping_list = a_list(people, company)
    portal_client.force_login(people["buyer"])

    page = portal_client.post(f"/lists/{shopping_list.pk}/", {"action": "quote"}, follow=True)

    assert "This list is empty." in page.content.decode()
    assert not Quote.objects.exists()


def test_another_companys_list_is_not_found(portal_client, company, people, outsider):
    shopping_list = a_list(people, company, factories.ProductFactory(stock=5))
    portal_client.force_login(outsider)

    response = portal_client.post(f"/lists/{shopping_list.pk}/", {"action": "quote"})

    assert response.status_code == 404
    assert not Quote.objects.exists()
