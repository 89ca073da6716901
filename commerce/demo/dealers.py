"""Demo dealer network: five dealers across German postcode regions (two in
Berlin with the same stock and different ratings), power tools sold through
dealers, and a few routed, accepted and shipped consumer orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from accounts.models import Company, Membership
from commerce.checkout.placement import CheckoutRequest, order_place
from commerce.dealers import services
from commerce.dealers.models import DealerAssortment, DealerProfile, DealerRouting, DealerStock
from commerce.demo.people import Person, ensure_membership, ensure_user
from pricing.strategy import Selector

Basket = get_model("basket", "Basket")
Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")

DEALER_CATEGORY = "Power tools"

# name, sign-in (admin), prefixes, (lat, lon), radius km, rating, city, postcode
DEALERS = [
    ("Berlin Power Tools GmbH", "dealer.berlin@example.com", ["10", "12", "13"],
     (52.53, 13.38), 30, "4.80", "Berlin", "10115"),
    ("Spree Werkzeug KG", "dealer.berlin2@example.com", ["10", "12"],
     (52.50, 13.45), 25, "4.30", "Berlin", "10243"),
    ("Isar Werkzeughandel", "dealer.munich@example.com", ["80", "81", "85"],
     (48.14, 11.58), 40, "4.60", "München", "80331"),
    ("Hanse Tools Hamburg", "dealer.hamburg@example.com", ["20", "21", "22"],
     (53.55, 10.00), 40, "4.40", "Hamburg", "20095"),
    ("Rhein-Ruhr Maschinen", "dealer.cologne@example.com", ["50", "51", "40", "45"],
     (50.94, 6.96), 50, "4.10", "Köln", "50667"),
]  # fmt: skip

CONSUMER_ORDERS = [
    # postcode, city, what the dealer does with it
    ("10115", "Berlin", "offered"),
    ("10117", "Berlin", "accepted"),
    ("10119", "Berlin", "shipped"),
    ("80331", "München", "shipped"),
]


@transaction.atomic
def seed_dealer_network() -> list[DealerProfile]:
    root = Category.objects.get_root_nodes().filter(name=DEALER_CATEGORY).first()
    if root is None:
        return []
    DealerAssortment.objects.get_or_create(category=root, product=None)
    products = list(
        Product.objects.filter(categories__path__startswith=root.path)
        .exclude(channels="portal")
        .values_list("pk", flat=True)
        .distinct()
    )
    dealers = []
    for name, email, prefixes, point, radius, rating, city, _postcode in DEALERS:
        company, _ = Company.objects.get_or_create(
            name=name,
            defaults={"email": email, "status": Company.Status.ACTIVE, "tax_id": ""},
        )
        first = email.split("@")[0].split(".")[-1].capitalize()
        ensure_membership(
            ensure_user(Person(email, first, "Dealer")), company, Membership.Role.ADMIN
        )
        dealer, _ = DealerProfile.objects.update_or_create(
            company=company,
            defaults={
                "postcode_prefixes": prefixes,
                "latitude": Decimal(str(point[0])),
                "longitude": Decimal(str(point[1])),
                "radius_km": radius,
                "rating": Decimal(rating),
                "daily_capacity": 200,
                "commission_rate": Decimal("12.00"),
                "click_and_collect": city == "Berlin",
            },
        )
        existing = set(
            DealerStock.objects.filter(dealer=dealer).values_list("product_id", flat=True)
        )
        DealerStock.objects.bulk_create(
            [
                DealerStock(dealer=dealer, product_id=pk, num_in_stock=25)
                for pk in products
                if pk not in existing
            ]
        )
        dealers.append(dealer)
    return dealers


def seed_dealer_orders() -> int:
    """A few consumer orders routed to the dealers (once)."""
    if DealerRouting.objects.exists():
        return 0
    root = Category.objects.get_root_nodes().filter(name=DEALER_CATEGORY).first()
    consumer = get_user_model().objects.filter(email="consumer@example.com").first()
    if root is None or consumer is None:
        return 0
    products = list(
        Product.objects.filter(
            categories__path__startswith=root.path, stockrecords__num_in_stock__gt=5
        )
        .exclude(channels="portal")
        .distinct()
        .order_by("pk")[:4]
    )
    placed = 0
    for (postcode, city, outcome), product in zip(CONSUMER_ORDERS, products, strict=False):
        strategy = Selector().strategy(channel="storefront", user=consumer)
        basket = Basket.objects.create(owner=consumer, site_id=settings.STOREFRONT_SITE_ID)
        basket.strategy = strategy
        basket.add_product(product, 1)
        order = order_place(
            basket=basket,
            request=CheckoutRequest(
                channel="storefront",
                user=consumer,
                shipping_address={
                    "first_name": "Chris",
                    "last_name": "Consumer",
                    "line1": "Beispielstr. 1",
                    "line4": city,
                    "postcode": postcode,
                    "country": Country.objects.get(iso_3166_1_a2="DE"),
                    "phone_number": "+49 30 1234567",
                },
                shipping_method_code="standard",
                payment_method="card",
                card_token="tok_sandbox_approve",  # noqa: S106 - the sandbox token
            ),
        ).order
        routing = DealerRouting.objects.filter(order=order, by="dealer").first()
        placed += 1
        if routing is None or outcome == "offered":
            continue
        dealer = routing.dealer
        actor = dealer.company.memberships.first().user
        services.dealer_offer_accept(order=order, dealer=dealer, actor=actor)
        if outcome == "shipped":
            services.dealer_order_ship(
                order=order,
                dealer=dealer,
                carrier="DHL",
                tracking_number=f"00340434{order.pk:010d}",
                actor=actor,
            )
    return placed
