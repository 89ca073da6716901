from decimal import Decimal

import pytest

from commerce.dealers.models import DealerAssortment, DealerProfile, DealerStock
from tests import factories


def make_dealer(name, *, prefixes=("10",), rating="4.00", point=None, radius=None, **fields):
    company = factories.CompanyFactory(name=name, status="active")
    return DealerProfile.objects.create(
        company=company,
        postcode_prefixes=list(prefixes),
        rating=Decimal(rating),
        latitude=None if point is None else Decimal(str(point[0])),
        longitude=None if point is None else Decimal(str(point[1])),
        radius_km=radius,
        **fields,
    )


def stock_dealer(dealer, product, units):
    return DealerStock.objects.create(dealer=dealer, product=product, num_in_stock=units)


@pytest.fixture
def network(db):
    """Two Berlin dealers (4.8 and 4.2) and a Munich one, all stocking a bike
    from the dealer category; plus a product sold directly."""
    factories.CountryFactory()
    bikes = factories.make_category("Bikes")
    DealerAssortment.objects.create(category=bikes)
    bike = factories.ProductFactory(title="City bike", stock__price="500.00", category=bikes)
    direct = factories.ProductFactory(title="Bell", stock__price="5.00")
    best = make_dealer("Berlin Bikes", rating="4.80", point=(52.53, 13.38))
    second = make_dealer("Spree Cycles", rating="4.20", point=(52.50, 13.45))
    munich = make_dealer("Isar Rad", prefixes=("80", "81"), rating="5.00", point=(48.14, 11.58))
    for dealer in (best, second, munich):
        stock_dealer(dealer, bike, 5)
    admins = {
        dealer.pk: factories.MembershipFactory(company=dealer.company, role="admin").user
        for dealer in (best, second, munich)
    }
    return {
        "bike": bike,
        "direct": direct,
        "best": best,
        "second": second,
        "munich": munich,
        "admins": admins,
        "category": bikes,
    }
