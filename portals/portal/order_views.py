"""The company's orders in the portal: list with filters, detail, reorder,
confirmation PDF. Orders of other companies are 404."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts import policy
from commerce.core.errors import DomainError
from commerce.core.pdf import render_pdf
from commerce.order import selectors
from commerce.order import status as order_status
from commerce.order.reorder import order_reorder
from commerce.orderedit.forms import OrderEditForm
from commerce.orderedit.selectors import edit_denial, may_edit, order_version
from commerce.orderedit.services import order_edit
from portals.portal.mixins import ActionRequiredMixin

Action = policy.Action


class OrderFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=64, label=_("Order or PO"))
    buyer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Buyer"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    date_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("From")
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("To")
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        members = company.memberships.select_related("user").order_by("user__email")
        self.fields["buyer"].choices = [("", _("Anyone"))] + [
            (m.user_id, m.user.email) for m in members
        ]
        self.fields["status"].choices = [("", _("Any status"))] + [(s, s) for s in order_status.ALL]


class OrderListView(ActionRequiredMixin, ListView):
    template_name = "portal/orders/list.html"
    context_object_name = "orders"
    paginate_by = 25
    required_action = Action.VIEW_ORDERS

    def get_queryset(self):
        self.filter_form = OrderFilterForm(self.request.GET or None, company=self.request.company)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.company_orders(self.request.company, filters=filters)

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class _CompanyOrderMixin(ActionRequiredMixin):
    def get_order(self):
        order = selectors.order_for_company(self.request.company, self.kwargs["number"])
        if order is None:
            raise Http404("No such order")
        return order


class OrderDetailView(_CompanyOrderMixin, TemplateView):
    template_name = "portal/orders/detail.html"
    required_action = Action.VIEW_ORDERS

    def get_context_data(self, **kwargs):
        order = self.get_order()
        return super().get_context_data(
            order=order,
            lines=list(order.lines.all()),
            history=order.status_changes.order_by("date_created"),
            can_reorder=policy.can(self.request.membership, Action.PLACE_ORDER),
            can_edit=may_edit(order, self.request.user),
            **kwargs,
        )


class OrderConfirmationView(_CompanyOrderMixin, View):
    required_action = Action.VIEW_ORDERS

    def get(self, request, number):
        order = self.get_order()
        pdf = render_pdf(
            "pdf/order_confirmation.html", {"order": order, "lines": order.lines.all()}
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="order-{order.number}.pdf"'
        return response


class ReorderView(_CompanyOrderMixin, View):
    required_action = Action.PLACE_ORDER
    http_method_names = ["post"]

    def post(self, request, number):
        order = self.get_order()
        result = order_reorder(order=order, basket=request.basket)
        if result.added:
            messages.success(request, "Added to your basket: " + "; ".join(result.added) + ".")
        if result.skipped:
            messages.warning(request, "Not added: " + "; ".join(result.skipped) + ".")
        return redirect("basket:summary")


class OrderEditView(_CompanyOrderMixin, TemplateView):
    """The buyer who placed an order (or a company admin) changes it while it
    waits for approval: quantities, lines, the ship-to (``order_edit``)."""

    template_name = "portal/orders/edit.html"
    required_action = Action.VIEW_ORDERS

    def form(self, order, data=None):
        lines = list(order.lines.order_by("pk"))
        return OrderEditForm(data, order=order, lines=lines, version=order_version(order))

    def get(self, request, number):
        order = self.get_order()
        denial = edit_denial(order, request.user)
        if denial:
            messages.error(request, denial)
            return redirect("portal:order-detail", number=number)
        return self.render_to_response({"order": order, "form": self.form(order)})

    def post(self, request, number):
        order = self.get_order()
        form = self.form(order, request.POST)
        if form.is_valid():
            try:
                order_edit(
                    order=order,
                    changes=form.changes(),
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Order {number} was changed.")
                return redirect("portal:order-detail", number=number)
        return self.render_to_response({"order": order, "form": form}, status=400)
