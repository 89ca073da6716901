"""Shopping lists in the portal: the member's own and the company's shared
lists; add from a product page, from an order, from a CSV or XLSX file; export; add
everything to the basket at today's prices."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView
from oscar.core.loading import get_model

from accounts import policy
from catalog import visibility
from commerce.core.errors import DomainError
from commerce.core.uploads import UploadTooLarge, upload_size_check
from commerce.lists import selectors, services
from commerce.order.selectors import order_for_company
from commerce.quotes import services as quote_services
from portals.portal.mixins import ActionRequiredMixin

Product = get_model("catalogue", "Product")
Action = policy.Action


def _int(value, default=None):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


class _ListMixin(ActionRequiredMixin):
    required_action = Action.VIEW_CATALOG

    def shopping_list(self):
        found = selectors.list_for(self.request.membership, self.kwargs["pk"])
        if found is None:
            raise Http404("No such list")
        return found


class ListIndexView(_ListMixin, TemplateView):
    template_name = "portal/lists/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lists=selectors.lists_for(self.request.membership), **kwargs
        )

    def post(self, request):
        try:
            created = services.list_create(
                membership=request.membership,
                name=request.POST.get("name", ""),
                shared=bool(request.POST.get("shared")),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal:list-index")
        return redirect("portal:list-detail", pk=created.pk)


class ListDetailView(_ListMixin, TemplateView):
    template_name = "portal/lists/detail.html"

    @classmethod
    def upload_limit(cls) -> int:
        return 1024 * 1024

    def get_context_data(self, **kwargs):
        shopping_list = self.shopping_list()
        lines = selectors.lines_of(shopping_list)
        strategy = self.request.strategy
        if hasattr(strategy, "prefetch"):
            strategy.prefetch([line.product for line in lines])
        rows = [(line, strategy.quote(line.product, line.quantity)) for line in lines]
        return super().get_context_data(
            list=shopping_list,
            rows=rows,
            is_owner=shopping_list.owner_id == self.request.user.pk,
            **kwargs,
        )

    def post(self, request, pk: int):
        shopping_list = self.shopping_list()
        action = request.POST.get("action", "")
        membership = request.membership
        try:
            message = self.act(request, shopping_list, membership, action)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if isinstance(message, HttpResponse):
                return message
            if message == "deleted":
                messages.success(request, "List deleted.")
                return redirect("portal:list-index")
            if message == "basket":
                return redirect("basket:summary")
            if message:
                messages.success(request, message)
        return redirect("portal:list-detail", pk=shopping_list.pk)

    def act(self, request, shopping_list, membership, action) -> str:
        post = request.POST
        if action == "add":
            sku = post.get("sku", "").strip()
            product = Product.objects.filter(upc=sku).first() if sku else None
            if product is None or not visibility.is_visible(
                product, site=request.channel, company=request.company
            ):
                raise services.ListError(f"No product with SKU '{sku}'.")
            quantity = _int(post.get("quantity"), 0)
            services.list_line_add(
                shopping_list=shopping_list,
                product=product,
                quantity=quantity,
                note=post.get("note", ""),
            )
            return f"{product.get_title()} added."
        if action == "update":
            for line in shopping_list.lines.all():
                if post.get(f"remove_{line.pk}"):
                    services.list_line_remove(line=line)
                    continue
                quantity = _int(post.get(f"quantity_{line.pk}"))
                note = post.get(f"note_{line.pk}")
                if quantity is not None and (quantity != line.quantity or note != line.note):
                    services.list_line_update(line=line, quantity=quantity, note=note)
            return "List saved."
        if action == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                raise services.ListError("Choose a CSV or XLSX file to upload.")
            try:
                upload_size_check(upload, limit=self.upload_limit())
            except UploadTooLarge as error:
                raise services.ListError(str(error)) from error
            added = services.list_import_file(shopping_list=shopping_list, data=upload.read())
            return f"{added} rows added from the file."
        if action == "settings":
            every = _int(post.get("replenish_every"))
            services.list_update(
                shopping_list=shopping_list,
                membership=membership,
                name=post.get("name", shopping_list.name),
                shared=bool(post.get("shared")),
                replenish=False if not every else None,
                replenish_every=every or None,
                replenish_unit=post.get("replenish_unit") or None,
                replenish_by=post.get("replenish_by") or None,
            )
            return "List settings saved."
        if action == "delete":
            services.list_delete(shopping_list=shopping_list, membership=membership)
            return "deleted"
        if action == "to_basket":
            policy.require(membership, Action.PLACE_ORDER)
            result = services.list_to_basket(shopping_list=shopping_list, basket=request.basket)
            if result.added:
                messages.success(
                    request, f"{len(result.added)} products added to your basket at today's prices."
                )
            for problem in result.problems:
                messages.warning(
                    request,
                    f"{problem.product.get_title()} was not added: {problem.reason}.",
                )
            return "basket"
        if action == "quote":
            return self.request_quote(request, shopping_list)
        raise services.ListError("Unknown action.")

    def request_quote(self, request, shopping_list):
        """The list's lines (those the company may still buy) become a request
        for quote through the one quote service; the list stays as it is."""
        lines = selectors.lines_of(shopping_list)
        if not lines:
            raise services.ListError("This list is empty.")
        visible = visibility.visible_ids(
            [line.product for line in lines], site=request.channel, company=request.company
        )
        wanted = [line for line in lines if line.product_id in visible]
        if not wanted:
            raise services.ListError("None of this list's products can be ordered now.")
        note = request.POST.get("message", "").strip()[:4000]
        quote = quote_services.quote_request(
            membership=request.membership,
            lines=[(line.product, line.quantity, None) for line in wanted],
            message=f"From the list '{shopping_list.name}'." + (f"\n{note}" if note else ""),
        )
        messages.success(request, f"Quote {quote.number} requested; we will get back to you.")
        for line in lines:
            if line.product_id not in visible:
                messages.warning(
                    request, f"{line.product.get_title()} is no longer sold and was left out."
                )
        return redirect("portal:quote-detail", pk=quote.pk)


class ListExportView(_ListMixin, View):
    def get(self, request, pk: int):
        shopping_list = self.shopping_list()
        content = services.list_export_csv(shopping_list, selectors.lines_of(shopping_list))
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="list-{shopping_list.pk}.csv"'
        return response


class AddToListView(_ListMixin, View):
    """From a product page: add to one of my lists, or to a new one."""

    http_method_names = ["post"]

    def post(self, request):
        product = Product.objects.filter(pk=_int(request.POST.get("product"), 0)).first()
        try:
            if product is None:
                raise services.ListError("No such product.")
            list_id = request.POST.get("list")
            if not list_id:
                # By name: one of my lists called so, or a new one.
                name = (request.POST.get("name") or "My list").strip()
                shopping_list = (
                    selectors.lists_for(request.membership)
                    .filter(owner=request.user, name__iexact=name)
                    .first()
                ) or services.list_create(membership=request.membership, name=name)
            else:
                shopping_list = selectors.list_for(request.membership, list_id)
                if shopping_list is None:
                    raise Http404("No such list")
            services.list_line_add(
                shopping_list=shopping_list,
                product=product,
                quantity=_int(request.POST.get("quantity"), 1),
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.META.get("HTTP_REFERER") or "portal:list-index")
        messages.success(request, f"{product.get_title()} added to {shopping_list.name}.")
        return redirect("portal:list-detail", pk=shopping_list.pk)


class OrderToListView(ActionRequiredMixin, View):
    required_action = Action.VIEW_ORDERS
    http_method_names = ["post"]

    def post(self, request, number: str):
        order = order_for_company(request.company, number)
        if order is None:
            raise Http404("No such order")
        try:
            shopping_list = services.list_from_order(membership=request.membership, order=order)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("portal:order-detail", number=number)
        messages.success(request, f"List '{shopping_list.name}' created from the order.")
        return redirect("portal:list-detail", pk=shopping_list.pk)
