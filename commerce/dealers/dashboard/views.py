"""Staff pages for the dealer network: dealers (profile, stock, orders, ledger),
offers that lapsed or were rejected, "route this order" dry run, re-route by
hand, monthly settlement statements as CSV."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from oscar.core.loading import get_model

from accounts.models import Company
from commerce.core.errors import DomainError
from commerce.core.exports import CsvWriter
from commerce.core.pdf import render_pdf
from commerce.dealers import selectors, services
from commerce.dealers.models import DealerOffer, DealerProfile, DealerRouting

Order = get_model("order", "Order")


class DealerForm(forms.ModelForm):
    postcode_prefixes = forms.CharField(
        required=False, help_text="Comma-separated postcode prefixes, e.g. 10, 12, 13"
    )

    class Meta:
        model = DealerProfile
        fields = [
            "status",
            "country",
            "postcode_prefixes",
            "latitude",
            "longitude",
            "radius_km",
            "hours_to_accept",
            "hours_to_ship",
            "daily_capacity",
            "commission_rate",
            "rating",
            "click_and_collect",
            "data_access_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["postcode_prefixes"] = ", ".join(self.instance.postcode_prefixes or [])

    def clean_postcode_prefixes(self):
        raw = self.cleaned_data["postcode_prefixes"]
        prefixes = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        bad = [p for p in prefixes if not p.isalnum() or len(p) > 10]
        if bad:
            raise forms.ValidationError("Prefixes are letters and digits: " + ", ".join(bad))
        return prefixes


class OnboardForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=Company.objects.filter(dealer_profile__isnull=True).order_by("name"),
        help_text="The company (its members become the dealer's staff in the portal)",
    )
    postcode_prefixes = forms.CharField(help_text="Comma-separated, e.g. 10, 12")

    def clean_postcode_prefixes(self):
        return DealerForm.clean_postcode_prefixes(self)


class PayoutForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    memo = forms.CharField(max_length=255, required=False)


class DealerOnboardView(FormView):
    """Staff make a company a dealer (then set it up on its profile page)."""

    template_name = "oscar/dashboard/dealers/onboard.html"
    form_class = OnboardForm

    def form_valid(self, form):
        dealer = DealerProfile.objects.create(
            company=form.cleaned_data["company"],
            postcode_prefixes=form.cleaned_data["postcode_prefixes"],
            status=DealerProfile.Status.PAUSED,
        )
        messages.success(
            self.request, "Dealer created, paused: finish its profile, then activate it."
        )
        return redirect("dashboard:dealer-detail", pk=dealer.pk)


class PayoutView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        dealer = get_object_or_404(DealerProfile, pk=pk)
        form = PayoutForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter a positive amount.")
        else:
            services.dealer_payout_record(
                dealer=dealer,
                amount=form.cleaned_data["amount"],
                actor=request.user,
                memo=form.cleaned_data["memo"],
            )
            messages.success(request, "Payout recorded.")
        return redirect("dashboard:dealer-detail", pk=pk)


class DealerListView(ListView):
    template_name = "oscar/dashboard/dealers/dealer_list.html"
    context_object_name = "dealers"
    paginate_by = 50

    def get_queryset(self):
        return (
            DealerProfile.objects.select_related("company")
            .annotate(
                open_offers=Count("offers", filter=Q(offers__status="offered"), distinct=True),
                lapsed=Count("offers", filter=Q(offers__status="lapsed"), distinct=True),
                rejected=Count("offers", filter=Q(offers__status="rejected"), distinct=True),
                accepted=Count("offers", filter=Q(offers__status="accepted"), distinct=True),
            )
            .order_by("company__name")
        )


class DealerDetailView(TemplateView):
    template_name = "oscar/dashboard/dealers/dealer_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.dealer = get_object_or_404(
            DealerProfile.objects.select_related("company"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        form = DealerForm(request.POST, instance=self.dealer)
        if form.is_valid():
            form.save()
            messages.success(request, "Dealer profile saved.")
            return redirect("dashboard:dealer-detail", pk=pk)
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("form", DealerForm(instance=self.dealer))
        return super().get_context_data(
            dealer=self.dealer,
            routings=DealerRouting.objects.filter(dealer=self.dealer)
            .select_related("order")
            .order_by("-created_at")[:50],
            ledger=self.dealer.ledger.select_related("order").order_by("-created_at", "-pk")[:50],
            balance=self.dealer.ledger.aggregate(s=Sum("amount"))["s"] or 0,
            stock=self.dealer.stock.select_related("product").order_by("product__title")[:100],
            members=self.dealer.company.memberships.select_related("user"),
            year=today.year,
            month=today.month,
            **kwargs,
        )


class SettlementCsvView(View):
    def get(self, request, pk, year, month, fmt="csv"):
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            raise Http404("No such month.")
        dealer = get_object_or_404(DealerProfile.objects.select_related("company"), pk=pk)
        statement = selectors.settlement(dealer, year, month)
        if fmt == "pdf":
            response = HttpResponse(
                render_pdf("pdf/dealer_settlement.html", {"dealer": dealer, **statement}),
                content_type="application/pdf",
            )
            response["Content-Disposition"] = (
                f'attachment; filename="settlement-{dealer.pk}-{year}-{month:02d}.pdf"'
            )
            return response
        response = HttpResponse(content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="settlement-{dealer.pk}-{year}-{month:02d}.csv"'
        )
        writer = CsvWriter(response)
        writer.writerow(["dealer", dealer.company.name, "month", f"{year}-{month:02d}"])
        writer.writerow(["date", "kind", "order", "memo", "amount"])
        writer.writerow(["", "opening balance", "", "", f"{statement['opening']:.2f}"])
        for entry in statement["entries"]:
            writer.writerow(
                [
                    entry.created_at.date().isoformat(),
                    entry.kind,
                    entry.order.number if entry.order else "",
                    entry.memo,
                    f"{entry.amount:.2f}",
                ]
            )
        writer.writerow(["", "closing balance", "", "", f"{statement['closing']:.2f}"])
        return response


class OfferListView(ListView):
    """Offers that lapsed or were rejected (breaches of the acceptance time first)."""

    template_name = "oscar/dashboard/dealers/offer_list.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status") or "lapsed"
        if status not in DealerOffer.Status.values:
            status = "lapsed"
        self.status = status
        return (
            DealerOffer.objects.filter(status=status)
            .select_related("dealer__company", "order")
            .order_by("-decided_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            status=self.status, statuses=DealerOffer.Status.choices, **kwargs
        )


class DryRunView(TemplateView):
    template_name = "oscar/dashboard/dealers/dry_run.html"

    def get_context_data(self, **kwargs):
        number = (self.request.GET.get("order") or "").strip()[:128]
        postcode = (self.request.GET.get("postcode") or "").strip()[:12]
        products = [
            int(p)
            for p in (self.request.GET.get("products") or "").replace(" ", "").split(",")
            if p.isdigit() and len(p) < 10
        ]
        result, error = None, ""
        if number:
            order = Order.objects.filter(number=number).first()
            if order is None:
                error = f"No order {number}."
            else:
                result = selectors.routing_dry_run(order=order)
        elif postcode:
            result = selectors.routing_dry_run(postcode=postcode, product_ids=products)
        return super().get_context_data(
            result=result,
            error=error,
            number=number,
            postcode=postcode,
            products=",".join(map(str, products)),
            **kwargs,
        )


class RerouteView(View):
    http_method_names = ["post"]

    def post(self, request, number):
        order = get_object_or_404(Order, number=number)
        try:
            routing = services.dealer_order_reroute(
                order=order, actor=request.user, reason=request.POST.get("reason", "")
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Order {number} re-routed: {routing.why}")
        return redirect(reverse("dashboard:dealer-dry-run") + "?" + urlencode({"order": number}))
