"""Storefront lead pages: ask a dealer for a quote (product or category of a
dealer-sold range), follow the request by its signed link, rate the dealer."""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View
from oscar.core.loading import get_model

from commerce.core import attribution
from commerce.core.errors import DomainError
from commerce.leads import links, services
from commerce.leads.models import Lead, Survey
from commerce.leads.selectors import lead_is_for_dealers

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")


class LeadForm(forms.Form):
    kind = forms.ChoiceField(choices=Lead.Kind.choices, initial=Lead.Kind.QUOTE)
    name = forms.CharField(max_length=128)
    email = forms.EmailField()
    phone = forms.CharField(max_length=32, required=False)
    postcode = forms.RegexField(r"^[A-Za-z0-9 -]{3,12}$", max_length=12)
    country = forms.RegexField(r"^[A-Za-z]{2}$", initial="DE", max_length=2)
    message = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    consent = forms.BooleanField(
        required=False, label="A dealer may place the order for me in this shop"
    )


class LeadCreateView(View):
    template_name = "storefront/leads/new.html"

    def subject(self, request):
        product = category = None
        if request.GET.get("product", "").isdigit():
            product = Product.objects.filter(pk=request.GET["product"]).first()
        if request.GET.get("category", "").isdigit():
            category = Category.objects.filter(pk=request.GET["category"]).first()
        if (product is None and category is None) or not lead_is_for_dealers(product, category):
            raise Http404("Not sold through dealers.")
        return product, category

    def get(self, request):
        product, category = self.subject(request)
        return render(
            request,
            self.template_name,
            {"form": LeadForm(), "product": product, "category": category},
        )

    def post(self, request):
        product, category = self.subject(request)
        form = LeadForm(request.POST)
        if form.is_valid():
            source, detail = attribution.current(request)
            try:
                lead = services.lead_create(
                    **form.cleaned_data,
                    product=product,
                    category=category,
                    user=request.user,
                    source=source,
                    source_detail=detail,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect("storefront:lead-view", token=links.lead_token(lead))
        context = {"form": form, "product": product, "category": category}
        return render(request, self.template_name, context, status=400)


class LeadStatusView(View):
    def get(self, request, token):
        lead_id = links.lead_from_token(token)
        lead = Lead.objects.select_related("dealer__company", "product").filter(pk=lead_id)
        lead = lead.first() if lead_id else None
        if lead is None:
            raise Http404("This link is not valid.")
        return render(
            request,
            "storefront/leads/view.html",
            {"lead": lead, "token": token, "may_order": services.lead_may_convert(lead)},
        )


class LeadOrderView(View):
    """A won lead with the consumer's consent: put its product in the basket and
    go to the checkout (the one placement path); the order is linked to the lead."""

    http_method_names = ["post"]

    def post(self, request, token):
        lead_id = links.lead_from_token(token)
        lead = (
            Lead.objects.select_related("product").filter(pk=lead_id).first() if lead_id else None
        )
        if lead is None or not services.lead_may_convert(lead):
            raise Http404("This request cannot be ordered here.")
        request.basket.add_product(lead.product, 1)
        attribution.mark_lead(request, lead.pk)
        return redirect("basket:summary")


class SurveyView(View):
    template_name = "storefront/leads/survey.html"

    def survey(self, token):
        survey_id = links.survey_from_token(token)
        survey = (
            Survey.objects.select_related("dealer__company").filter(pk=survey_id).first()
            if survey_id
            else None
        )
        if survey is None:
            raise Http404("This link is not valid.")
        return survey

    def get(self, request, token):
        survey = self.survey(token)
        return render(request, self.template_name, {"survey": survey, "done": survey.answered_at})

    def post(self, request, token):
        survey = self.survey(token)
        try:
            services.survey_answer(
                survey_id=survey.pk,
                stars=request.POST.get("stars"),
                comment=request.POST.get("comment", ""),
            )
        except DomainError as error:
            return render(
                request,
                self.template_name,
                {"survey": survey, "error": str(error), "done": survey.answered_at},
                status=400,
            )
        return render(request, self.template_name, {"survey": survey, "thanks": True})
