"""Test data factories, in one place."""

from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from accounts.models import Company, CompanyAddress, Membership

Category = get_model("catalogue", "Category")
Country = get_model("address", "Country")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Company {n}")
    tax_id = factory.Sequence(lambda n: f"DE{n:09d}")
    status = Company.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Membership.Role.BUYER
    is_active = True


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("iso_3166_1_a2",)

    iso_3166_1_a2 = "DE"
    iso_3166_1_a3 = "DEU"
    iso_3166_1_numeric = "276"
    printable_name = "Germany"
    name = "Germany"
    is_shipping_country = True


class CompanyAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyAddress

    company = factory.SubFactory(CompanyFactory)
    kind = CompanyAddress.Kind.SHIP_TO
    label = factory.Sequence(lambda n: f"Site {n}")
    last_name = "Receiving"
    line1 = factory.Sequence(lambda n: f"{n} Dock Road")
    line4 = "Berlin"
    postcode = "10115"
    country = factory.SubFactory(CountryFactory)


def make_category(name: str, parent=None):
    if parent is None:
        return Category.add_root(name=name)
    return parent.add_child(name=name)


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("slug",)

    name = "Standard"
    slug = "standard"
    track_stock = True
    requires_shipping = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("code",)

    code = "central"
    name = "Central Warehouse"


class ProductFactory(factory.django.DjangoModelFactory):
    """A standalone product.

    ``stock=n, stock__price="9.99"`` set its stock record; ``category=c`` files it.
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Test product {n}")
    upc = factory.Sequence(lambda n: f"SKU-{n:05d}")
    product_class = factory.SubFactory(ProductClassFactory)
    structure = Product.STANDALONE
    is_public = True

    @factory.post_generation
    def stock(obj, create, extracted, price=Decimal("10.00"), partner=None, **kwargs):
        if not create or extracted is False:
            return
        StockRecord.objects.create(
            product=obj,
            partner=partner or PartnerFactory(),
            partner_sku=f"P-{obj.upc}",
            price=Decimal(price),
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=100 if extracted is None else extracted,
        )

    @factory.post_generation
    def category(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            ProductCategory.objects.create(product=obj, category=extracted)


PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"Tier {n}")
    code = factory.Sequence(lambda n: f"list-{n}")
    kind = "tier"
    currency = settings.OSCAR_DEFAULT_CURRENCY


def contract_list(company, **kwargs):
    return PriceListFactory(
        kind="contract", company=company, name=f"{company.name} contract", **kwargs
    )


def price(price_list, product, unit_price, min_quantity=1, **kwargs):
    return PriceListEntry.objects.create(
        price_list=price_list,
        product=product,
        unit_price=Decimal(unit_price),
        min_quantity=min_quantity,
        **kwargs,
    )


def credit_account(company=None, user=None, *, limit="100000.00", terms="net_30", **kwargs):
    from commerce.billing.models import CreditAccount

    return CreditAccount.objects.create(
        company=company, user=user, credit_limit=Decimal(limit), terms=terms, **kwargs
    )


def business(name: str, *, ship_to: str = "Plant", limit: str = "100000.00", **fields):
    """An active company ready to order on account: bill-to, a default ship-to
    and a credit account."""
    company = CompanyFactory(name=name, **fields)
    CompanyAddressFactory(company=company, kind="bill_to", label="HQ")
    CompanyAddressFactory(company=company, label=ship_to, is_default=True)
    credit_account(company, limit=limit)
    return company
