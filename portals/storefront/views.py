from django.http import Http404
from django.views.generic import TemplateView

from accounts import loyalty
from accounts.models import LoyaltyTier
from catalog import selectors, visibility
from catalog.cards import attach_purchase_info, card_context
from commerce.billing import credit, pdf
from commerce.billing import selectors as billing_selectors

FEATURED_COUNT = 8


class HomeView(TemplateView):
    template_name = "storefront/home.html"

    def get_context_data(self, **kwargs):
        site, company = visibility.request_context(self.request)
        featured = list(selectors.browsable_products(site=site, company=company)[:FEATURED_COUNT])
        attach_purchase_info(self.request, featured)
        return super().get_context_data(
            **card_context(),
            featured=featured,
            categories=selectors.top_level_categories(site=site, company=company),
            **kwargs,
        )


class LoyaltyView(TemplateView):
    """The consumer's loyalty tier, what it gives and what the next one takes."""

    template_name = "storefront/account/loyalty.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page_title="Loyalty tier",
            active_tab="loyalty",
            standing=loyalty.standing(self.request.user),
            tiers=LoyaltyTier.objects.filter(is_active=True).order_by("rank"),
            **kwargs,
        )


class InvoiceListView(TemplateView):
    """A consumer's "Pay in 30 days" invoices."""

    template_name = "storefront/account/invoices.html"

    def get_context_data(self, **kwargs):
        account = credit.account_for_user(self.request.user)
        return super().get_context_data(
            page_title="Invoices",
            active_tab="invoices",
            account=account,
            standing=credit.standing(account) if account else None,
            invoices=billing_selectors.invoices_of(account),
            **kwargs,
        )


class InvoiceDetailView(TemplateView):
    template_name = "storefront/account/invoice_detail.html"

    def get_context_data(self, **kwargs):
        invoice = billing_selectors.invoice_of(
            credit.account_for_user(self.request.user), self.kwargs["number"]
        )
        if invoice is None:
            raise Http404("No such invoice")
        return super().get_context_data(
            page_title=f"Invoice {invoice.number}", active_tab="invoices", invoice=invoice, **kwargs
        )


class InvoicePDFView(pdf.InvoicePDFView):
    def invoice_for(self, request, number):
        return billing_selectors.invoice_of(credit.account_for_user(request.user), number)


class DealerLocatorView(TemplateView):
    """Where to buy: a postcode (and a product) -> dealers nearby, with distance,
    rating and whether they stock the product."""

    template_name = "storefront/dealers.html"

    def get_context_data(self, **kwargs):
        from commerce.dealers.selectors import dealers_near

        postcode = (self.request.GET.get("postcode") or "").strip()[:12]
        product = self.request.GET.get("product") or ""
        product_id = int(product) if product.isdigit() and len(product) < 10 else None
        found = (
            dealers_near(country="DE", postcode=postcode, product_id=product_id) if postcode else []
        )
        return super().get_context_data(
            postcode=postcode,
            product_id=product_id,
            dealers=found,
            searched=bool(postcode),
            **kwargs,
        )
