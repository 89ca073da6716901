"""Staff answer requests for quote: the quotes of the companies they may see
(every company, or a sales rep's own), with the thread and the offer form."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import ListView, TemplateView

from commerce.core.errors import DomainError
from commerce.quotes import posted, selectors, services
from commerce.quotes.exceptions import QuoteError
from commerce.quotes.models import Quote


class QuoteListView(ListView):
    template_name = "oscar/dashboard/quotes/quote_list.html"
    context_object_name = "quotes"
    paginate_by = 50

    def get_queryset(self):
        quotes = selectors.quotes_for_staff(self.request.user)
        status = self.request.GET.get("status", "requested")
        if status in Quote.Status.values:
            quotes = quotes.filter(status=status)
        return quotes.order_by("created_at", "pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Quote.Status.choices,
            status=self.request.GET.get("status", "requested"),
            **kwargs,
        )


class QuoteDetailView(TemplateView):
    template_name = "oscar/dashboard/quotes/quote_detail.html"

    def quote(self):
        quote = selectors.quote_for_staff(self.request.user, self.kwargs["pk"])
        if quote is None:
            raise Http404("No such quote.")
        return quote

    def get_context_data(self, **kwargs):
        return super().get_context_data(quote=self.quote(), **kwargs)

    def post(self, request, pk: int):
        quote = self.quote()
        action = request.POST.get("action")
        message = posted.posted_message(request.POST)
        try:
            if action == "offer":
                prices = posted.posted_amounts(request.POST, quote, "price_")
                valid_until = posted.posted_date(
                    request.POST,
                    "valid_until",
                    required=True,
                    error="Give the date the offer is valid until.",
                )
                services.quote_offer(
                    quote=quote,
                    actor=request.user,
                    prices=prices,
                    valid_until=valid_until,
                    message=message,
                )
                messages.success(request, f"Offer sent for {quote.number}.")
            elif action == "decline":
                services.quote_decline(quote=quote, actor=request.user, message=message)
                messages.success(request, f"{quote.number} declined.")
            elif action == "message":
                services.quote_message(
                    quote=quote, actor=request.user, message=message, by_staff=True
                )
            else:
                raise QuoteError("Unknown action.")
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("dashboard:quote-detail", pk=quote.pk)
