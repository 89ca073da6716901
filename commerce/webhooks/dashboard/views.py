"""Staff: register webhook endpoints, change them, read their delivery log, redeliver."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from commerce.webhooks import services
from commerce.webhooks.events import EVENT_TYPES
from commerce.webhooks.exceptions import WebhookError
from commerce.webhooks.models import WebhookDelivery, WebhookEndpoint

EVENT_CHOICES = [(e, e) for e in EVENT_TYPES]


class EndpointForm(forms.Form):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(max_length=200, required=False)
    active = forms.BooleanField(required=False, initial=True)
    secret = forms.CharField(
        max_length=100,
        required=False,
        help_text=gettext_lazy("Leave empty to generate one (new) or keep the current one."),
    )


class EndpointListView(View):
    template_name = "oscar/dashboard/webhooks/endpoint_list.html"

    def render(self, request, form, new_secret=None, status=200):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "endpoints": WebhookEndpoint.objects.select_related("created_by")[:200],
                "new_secret": new_secret,
            },
            status=status,
        )

    def get(self, request):
        return self.render(request, EndpointForm(initial={"active": True}))

    def post(self, request):
        form = EndpointForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        data = form.cleaned_data
        try:
            endpoint = services.webhook_endpoint_create(
                url=data["url"],
                events=data["events"],
                secret=data["secret"] or None,
                description=data["description"],
                actor=request.user,
            )
        except WebhookError as error:
            form.add_error("url" if error.code == "unsafe_url" else "events", str(error))
            return self.render(request, form, status=400)
        messages.success(request, _("Webhook registered."))
        return self.render(request, EndpointForm(initial={"active": True}), endpoint.secret)


class EndpointDetailView(View):
    template_name = "oscar/dashboard/webhooks/endpoint_detail.html"

    def render(self, request, endpoint, form, status=200):
        return render(
            request,
            self.template_name,
            {
                "endpoint": endpoint,
                "form": form,
                "deliveries": endpoint.deliveries.all()[:100],
            },
            status=status,
        )

    def get(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        form = EndpointForm(
            initial={
                "url": endpoint.url,
                "events": endpoint.events,
                "description": endpoint.description,
                "active": endpoint.active,
            }
        )
        return self.render(request, endpoint, form)

    def post(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        form = EndpointForm(request.POST)
        if not form.is_valid():
            return self.render(request, endpoint, form, status=400)
        data = form.cleaned_data
        try:
            services.webhook_endpoint_update(
                endpoint=endpoint,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                active=data["active"],
                secret=data["secret"] or None,
            )
        except WebhookError as error:
            form.add_error("url" if error.code == "unsafe_url" else "events", str(error))
            return self.render(request, endpoint, form, status=400)
        messages.success(request, _("Webhook saved."))
        return redirect("dashboard:webhook-detail", pk=endpoint.pk)


class EndpointDeleteView(View):
    def post(self, request, pk):
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        services.webhook_endpoint_delete(endpoint=endpoint)
        messages.success(request, _("Webhook removed."))
        return redirect("dashboard:webhook-list")


class RedeliverView(View):
    def post(self, request, pk, delivery_pk):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_pk, endpoint_id=pk)
        services.webhook_redeliver(delivery=delivery)
        messages.success(request, _("Delivery queued again."))
        return redirect("dashboard:webhook-detail", pk=pk)
