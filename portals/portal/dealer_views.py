"""The dealer's queue in the portal: orders offered to the dealer (with the time
left), accepted, shipped and delivered; accept, reject, ship, delivered."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from commerce.core.errors import DomainError
from commerce.dealers import selectors, services
from commerce.dealers.exceptions import DealerStepRefused


class DealerMixin:
    def dispatch(self, request, *args, **kwargs):
        try:
            self.dealer = selectors.dealer_for(getattr(request, "membership", None))
        except DomainError as error:
            return render(request, "portal/forbidden.html", {"reason": str(error)}, status=403)
        return super().dispatch(request, *args, **kwargs)

    def routing(self, number):
        routing = selectors.dealer_order(self.dealer, number)
        if routing is None:
            raise Http404("No such order.")
        return routing


class DealerQueueView(DealerMixin, TemplateView):
    template_name = "portal/dealer/queue.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status") or ""
        if status not in selectors.ROUTING_STATUSES:
            status = ""
        rows = list(selectors.dealer_orders(self.dealer, status or None)[:100])
        return {
            **super().get_context_data(**kwargs),
            "dealer": self.dealer,
            "rows": rows,
            "status": status,
            "statuses": selectors.ROUTING_STATUSES,
        }


class DealerOrderView(DealerMixin, TemplateView):
    template_name = "portal/dealer/order.html"

    def get_context_data(self, **kwargs):
        routing = self.routing(kwargs["number"])
        return {
            **super().get_context_data(**kwargs),
            "dealer": self.dealer,
            "routing": routing,
            "order": routing.order,
            "offer": (routing.order.my_offers or [None])[0],
            "personal": selectors.personal_data_visible(routing, self.dealer),
        }


class DealerOrderActionView(DealerMixin, View):
    http_method_names = ["post"]
    action = ""

    def post(self, request, number):
        order = self.routing(number).order
        data, actor = request.POST, request.user
        try:
            if self.action == "accept":
                services.dealer_offer_accept(order=order, dealer=self.dealer, actor=actor)
                message = f"Order {number} accepted."
            elif self.action == "reject":
                services.dealer_offer_reject(
                    order=order, dealer=self.dealer, reason=data.get("reason", ""), actor=actor
                )
                messages.success(request, f"Order {number} rejected; it goes to another dealer.")
                return redirect("portal:dealer-queue")
            elif self.action == "ship":
                services.dealer_order_ship(
                    order=order,
                    dealer=self.dealer,
                    carrier=data.get("carrier", ""),
                    tracking_number=data.get("tracking_number", ""),
                    actor=actor,
                )
                message = f"Order {number} shipped."
            else:
                services.dealer_order_delivered(order=order, dealer=self.dealer, actor=actor)
                message = f"Order {number} delivered."
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, message)
        return redirect("portal:dealer-order", number=number)


class DealerStockUploadView(DealerMixin, View):
    """A CSV of ``sku,quantity`` rows (a header row is optional) sets the dealer's
    stock; all or nothing."""

    http_method_names = ["post"]
    max_bytes = 2 * 1024 * 1024

    def post(self, request):
        upload = request.FILES.get("file")
        try:
            if upload is None or upload.size > self.max_bytes:
                raise DealerStepRefused("Choose a CSV file of at most 2 MB.")
            items = _stock_rows(upload.read())
            count = services.dealer_stock_set(dealer=self.dealer, items=items)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Stock set for {count} products.")
        return redirect("portal:dealer-queue")


def _stock_rows(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DealerStepRefused("The file is not UTF-8 text.") from error
    items = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() == "sku":
            continue
        if len(cells) < 2 or not cells[0] or not cells[1].isdigit() or len(cells[1]) > 7:
            raise DealerStepRefused(f"Row {number}: expected a SKU and a whole number of units.")
        items.append({"sku": cells[0][:128], "quantity": int(cells[1])})
    if not items:
        raise DealerStepRefused("The file has no rows.")
    return items
