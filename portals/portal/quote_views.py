"""Quotes in the portal: request one from the basket, follow the negotiation,
counter, accept, decline, and order the accepted quote at its prices."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from accounts import policy
from accounts.addresses import ship_to_for_order
from accounts.exceptions import AccountsError
from commerce.checkout.request import company_request
from commerce.core.errors import DomainError
from commerce.quotes import posted, selectors, services
from commerce.quotes.exceptions import QuoteError
from commerce.shipping.repository import methods_for
from portals.portal.mixins import ActionRequiredMixin

Action = policy.Action


class _QuoteMixin(ActionRequiredMixin):
    required_action = Action.VIEW_ORDERS

    def quote(self):
        found = selectors.quote_for_member(self.request.membership, self.kwargs["pk"])
        if found is None:
            raise Http404("No such quote")
        return found


class QuoteListView(_QuoteMixin, TemplateView):
    template_name = "portal/quotes/list.html"

    def get_context_data(self, **kwargs):
        quotes = selectors.quotes_for_member(self.request.membership).order_by("-created_at", "-pk")
        return super().get_context_data(quotes=quotes[:100], **kwargs)


class QuoteRequestView(ActionRequiredMixin, View):
    """The basket becomes a request for quote (the basket itself stays as it is)."""

    required_action = Action.PLACE_ORDER
    http_method_names = ["post"]

    def post(self, request):
        basket = request.basket
        lines = (
            [(line.product, line.quantity, None) for line in basket.all_lines()]
            if basket.pk
            else []
        )
        try:
            quote = services.quote_request(
                membership=request.membership,
                lines=lines,
                message=posted.posted_message(request.POST),
                requested_date=posted.posted_date(
                    request.POST,
                    "requested_date",
                    required=False,
                    error="Give the date as YYYY-MM-DD.",
                ),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("basket:summary")
        messages.success(request, f"Quote {quote.number} requested; we will get back to you.")
        return redirect("portal:quote-detail", pk=quote.pk)


class QuoteDetailView(_QuoteMixin, TemplateView):
    template_name = "portal/quotes/detail.html"

    def get_context_data(self, **kwargs):
        company = self.request.company
        return super().get_context_data(
            quote=self.quote(),
            ship_tos=company.addresses.filter(kind="ship_to", is_active=True).order_by(
                "-is_default", "pk"
            ),
            may_order=policy.can(self.request.membership, Action.PLACE_ORDER),
            **kwargs,
        )

    def post(self, request, pk: int):
        quote = self.quote()
        action = request.POST.get("action", "")
        membership = request.membership
        message = posted.posted_message(request.POST)
        try:
            if action == "accept":
                services.quote_accept(quote=quote, membership=membership)
                messages.success(request, f"Quote {quote.number} accepted: you can now order it.")
            elif action == "decline":
                services.quote_decline(
                    quote=quote, actor=request.user, membership=membership, message=message
                )
                messages.success(request, f"Quote {quote.number} declined.")
            elif action == "counter":
                targets = posted.posted_amounts(request.POST, quote, "target_")
                services.quote_counter(
                    quote=quote, membership=membership, message=message, targets=targets
                )
                messages.success(request, "Your counter-offer was sent.")
            elif action == "message":
                services.quote_message(
                    quote=quote,
                    actor=request.user,
                    message=message,
                    by_staff=False,
                    membership=membership,
                )
            elif action == "order":
                return self.order(request, quote)
            else:
                raise QuoteError("Unknown action.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("portal:quote-detail", pk=quote.pk)

    def order(self, request, quote):
        try:
            ship_to = ship_to_for_order(
                company=request.company, address_id=int(request.POST.get("ship_to") or 0) or None
            )
        except (AccountsError, ValueError) as error:
            messages.error(request, str(error) or "Choose a ship-to address.")
            return redirect("portal:quote-detail", pk=quote.pk)
        checkout = company_request(
            channel=request.channel,
            user=request.user,
            company=request.company,
            ship_to=ship_to,
            shipping_method_code=request.POST.get("shipping_method")
            or methods_for(request.channel)[0].code,
            payment_method="account",
            po_number=request.POST.get("po_number", "")[:64],
            notes=request.POST.get("notes", "")[:2000],
        )
        placement = services.quote_order_place(quote=quote, request=checkout)
        messages.success(request, f"Order {placement.order.number} placed at the quoted prices.")
        return redirect("portal:order-detail", number=placement.order.number)
