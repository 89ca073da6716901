"""Staff pricing tools: price lists and their entries (volume breaks), CSV
import/export, the "why this price" trace, and loyalty tiers."""

from django.contrib import messages
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.text import slugify
from django.views import View
from django.views.generic import CreateView, FormView, ListView, UpdateView
from oscar.core.loading import get_model

from accounts.loyalty import loyalty_recompute
from accounts.models import LoyaltyTier
from commerce import sites
from commerce.imports.dashboard.mixins import ImportUploadMixin
from pricing.context import pricing_context
from pricing.dashboard.forms import (
    EntryForm,
    EntrySearchForm,
    ImportForm,
    LoyaltyTierForm,
    PriceListForm,
    PriceTraceForm,
)
from pricing.imports import export_rows
from pricing.strategy import Selector

PriceList = get_model("partner", "PriceList")
PriceListEntry = get_model("partner", "PriceListEntry")


class PriceListListView(ListView):
    template_name = "oscar/dashboard/pricing/pricelist_list.html"
    context_object_name = "price_lists"
    paginate_by = 50

    def get_queryset(self):
        lists = PriceList.objects.select_related("company").annotate(
            entry_count=Count("entries", distinct=True),
            tier_company_count=Count("tier_companies", distinct=True),
        )
        kind = self.request.GET.get("kind")
        if kind in PriceList.Kind.values:
            lists = lists.filter(kind=kind)
        return lists.order_by("kind", "name")


class PriceListCreateView(CreateView):
    template_name = "oscar/dashboard/pricing/pricelist_form.html"
    form_class = PriceListForm

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", PriceList.Kind.TIER)}

    def form_valid(self, form):
        if not form.instance.code:
            form.instance.code = slugify(form.instance.name)[:60]
        self.object = form.save()
        messages.success(self.request, f"Price list {self.object.name} created.")
        return redirect("dashboard:pricelist-detail", pk=self.object.pk)


class PriceListUpdateView(UpdateView):
    template_name = "oscar/dashboard/pricing/pricelist_form.html"
    form_class = PriceListForm
    model = PriceList

    def form_valid(self, form):
        self.object = form.save()
        messages.success(self.request, "Price list saved.")
        return redirect("dashboard:pricelist-detail", pk=self.object.pk)


class PriceListDetailView(ListView):
    """A list and its entries (searchable by SKU, paginated)."""

    template_name = "oscar/dashboard/pricing/pricelist_detail.html"
    context_object_name = "entries"
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        self.price_list = get_object_or_404(
            PriceList.objects.select_related("company"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        entries = self.price_list.entries.select_related("product").order_by(
            "product__upc", "min_quantity", "valid_from"
        )
        form = EntrySearchForm(self.request.GET)
        if form.is_valid() and form.cleaned_data["sku"]:
            entries = entries.filter(product__upc__icontains=form.cleaned_data["sku"])
        return entries

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            price_list=self.price_list,
            sku=self.request.GET.get("sku", ""),
            tier_companies=self.price_list.tier_companies.order_by("name")[:50],
            entry_form=EntryForm(price_list=self.price_list),
            import_form=ImportForm(),
            **kwargs,
        )


class EntryCreateView(FormView):
    template_name = "oscar/dashboard/pricing/entry_form.html"
    form_class = EntryForm

    def dispatch(self, request, *args, **kwargs):
        self.price_list = get_object_or_404(PriceList, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "price_list": self.price_list}

    def get_context_data(self, **kwargs):
        return super().get_context_data(price_list=self.price_list, **kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Entry saved.")
        return redirect("dashboard:pricelist-detail", pk=self.price_list.pk)


class EntryUpdateView(EntryCreateView):
    def dispatch(self, request, *args, **kwargs):
        self.entry = get_object_or_404(
            PriceListEntry.objects.select_related("product"),
            pk=kwargs["entry_pk"],
            price_list_id=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entry}


class EntryDeleteView(View):
    http_method_names = ["post"]

    def post(self, request, pk, entry_pk):
        entry = get_object_or_404(PriceListEntry, pk=entry_pk, price_list_id=pk)
        entry.delete()
        messages.success(request, "Entry deleted.")
        return redirect("dashboard:pricelist-detail", pk=pk)


class PriceListExportView(View):
    def get(self, request, pk):
        price_list = get_object_or_404(PriceList, pk=pk)
        response = StreamingHttpResponse(
            export_rows(price_list), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{price_list.code}.csv"'
        return response


class PriceListImportView(ImportUploadMixin, FormView):
    template_name = "oscar/dashboard/pricing/import_form.html"
    form_class = ImportForm
    import_kind = "price_list"

    def dispatch(self, request, *args, **kwargs):
        self.price_list = get_object_or_404(PriceList, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(price_list=self.price_list, **kwargs)

    def import_params(self, form) -> dict:
        return {"price_list_id": self.price_list.pk, "mode": form.cleaned_data["mode"]}


class PriceTraceView(FormView):
    """Why does this buyer pay this price? The engine's full trace."""

    template_name = "oscar/dashboard/pricing/price_trace.html"
    form_class = PriceTraceForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET.get("sku"):
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound:
            return self.form_valid(form) if form.is_valid() else self.form_invalid(form)
        return self.render_to_response(self.get_context_data(form=form))

    def form_valid(self, form):
        product = form.cleaned_data["sku"]
        company = form.cleaned_data.get("company")
        consumer = form.cleaned_data.get("consumer")
        channel = sites.PORTAL if company else sites.STOREFRONT
        strategy = Selector().strategy(channel=channel, user=consumer, company=company)
        voucher = form.cleaned_data.get("voucher")
        quote = strategy.book.quote(
            product, form.cleaned_data["quantity"], (voucher,) if voucher else None
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                product=product,
                quote=quote,
                who=company or consumer or "an anonymous storefront visitor",
                context=pricing_context(channel=channel, user=consumer, company=company),
            )
        )


class LoyaltyTierListView(ListView):
    template_name = "oscar/dashboard/pricing/loyalty_list.html"
    context_object_name = "tiers"

    def get_queryset(self):
        return LoyaltyTier.objects.annotate(customer_count=Count("customers")).order_by("rank")


class LoyaltyTierCreateView(CreateView):
    template_name = "oscar/dashboard/pricing/loyalty_form.html"
    form_class = LoyaltyTierForm

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Loyalty tier saved. Run a recompute to apply it now.")
        return redirect("dashboard:loyalty-list")


class LoyaltyTierUpdateView(UpdateView):
    template_name = "oscar/dashboard/pricing/loyalty_form.html"
    form_class = LoyaltyTierForm
    model = LoyaltyTier

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Loyalty tier saved. Run a recompute to apply it now.")
        return redirect("dashboard:loyalty-list")


class LoyaltyRecomputeView(View):
    http_method_names = ["post"]

    def post(self, request):
        counts = loyalty_recompute()
        messages.success(
            request,
            "Tiers recomputed: {up} up, {down} down, {same} unchanged.".format(**counts),
        )
        return redirect("dashboard:loyalty-list")
