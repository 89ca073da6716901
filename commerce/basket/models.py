from django.db import models
from oscar.apps.basket.abstract_models import AbstractBasket


class Basket(AbstractBasket):
    """A basket belongs to one site and, on the portal, to one company.

    A person keeps a personal basket on the storefront and one basket per
    company on the portal; the basket middleware only ever loads the one that
    matches the request's site and active company, so they never mix.
    """

    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    company = models.ForeignKey(
        "accounts.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="baskets",
    )


from oscar.apps.basket.models import *  # noqa: E402, F403
