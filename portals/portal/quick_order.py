"""Quick order: a grid of SKU + quantity rows (with SKU autocomplete) or an uploaded
CSV (comma, semicolon or tab separated) or XLSX file."""

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts import policy
from catalog import selectors as catalog_selectors
from commerce.basket import quick_order
from commerce.core.templatetags.money import money
from commerce.core.uploads import UploadTooLarge, upload_size_check
from portals.portal.mixins import ActionRequiredMixin

GRID_ROWS = 10


class QuickOrderView(ActionRequiredMixin, View):
    template_name = "portal/quick_order.html"
    required_action = policy.Action.PLACE_ORDER

    def get(self, request):
        return render(
            request, self.template_name, {"rows": [{"sku": "", "quantity": ""}] * GRID_ROWS}
        )

    @classmethod
    def upload_limit(cls) -> int:
        return settings.QUICK_ORDER_MAX_UPLOAD_BYTES

    def post(self, request):
        upload = request.FILES.get("file")
        try:
            if upload:
                upload_size_check(upload, limit=self.upload_limit())
            rows = quick_order.parse_file(upload.read()) if upload else self._grid_rows(request)
        except (quick_order.QuickOrderFileError, UploadTooLarge) as error:
            return render(
                request,
                self.template_name,
                {"file_error": str(error), "rows": self._blank()},
                status=400,
            )
        if not rows:
            return render(
                request,
                self.template_name,
                {"file_error": "Enter at least one SKU and quantity.", "rows": self._blank()},
                status=400,
            )
        results, added = quick_order.add_rows(basket=request.basket, rows=rows)
        if added:
            messages.success(request, f"Added {len(results)} line(s) to your basket.")
            return redirect("basket:summary")
        return render(
            request,
            self.template_name,
            {
                "results": results,
                "rows": [{"sku": r.sku, "quantity": r.quantity or ""} for r in results],
            },
            status=400,
        )

    @staticmethod
    def _blank():
        return [{"sku": "", "quantity": ""}] * GRID_ROWS

    @staticmethod
    def _grid_rows(request) -> list:
        skus = request.POST.getlist("sku")[: quick_order.MAX_ROWS]
        quantities = request.POST.getlist("quantity")[: quick_order.MAX_ROWS]
        rows = []
        for n, (sku, quantity) in enumerate(zip(skus, quantities, strict=False), start=1):
            if sku.strip() or quantity.strip():
                rows.append(quick_order.Row(n, sku.strip()[:64], quantity.strip()[:12]))
        return rows


class SkuSuggestView(ActionRequiredMixin, View):
    """Autocomplete: up to 10 products whose SKU starts with (or title contains) ``q``."""

    required_action = policy.Action.VIEW_CATALOG

    def get(self, request):
        query = request.GET.get("q", "").strip()[:64]
        if len(query) < 2:
            return JsonResponse({"results": []})
        products = list(
            catalog_selectors.browsable_products(site=request.channel, company=request.company)
            .filter(Q(upc__istartswith=query) | Q(title__icontains=query))
            .order_by("upc")[:10]
        )
        request.strategy.note_visible(products)
        request.strategy.prefetch(products)
        results = []
        for product in products:
            quote = request.strategy.quote(product)
            results.append(
                {
                    "sku": product.upc,
                    "title": product.title,
                    "price": money(quote.unit_display, quote.currency) if quote.exists else None,
                    "reason": quote.reason,
                    "multiple": product.order_multiple,
                    "min_quantity": product.min_order_quantity,
                }
            )
        return JsonResponse({"results": results})
