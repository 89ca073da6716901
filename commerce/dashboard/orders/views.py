"""The order desk: Oscar's order dashboard over both sites, scoped to the
companies a staff member may see, with the filters, columns, CSV and bulk
status changes staff need, and a detail page that shows where each price came
from, the approval trail, invoices, payments and the payer."""

from functools import partial

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Sum
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.core.loading import get_model

from accounts.staff_policy import company_scope
from commerce.billing import selectors as billing_selectors
from commerce.billing.models import Invoice
from commerce.checkout import ship_to
from commerce.core.errors import DomainError
from commerce.core.exports import CsvWriter
from commerce.core.locks import LockConflict
from commerce.core.money import ZERO, quantize
from commerce.dashboard.orders.forms import SITE_CHOICES, OrderSearchForm
from commerce.fulfilment.events import EventHandler
from commerce.fulfilment.transitions import approval_freeze, order_set_status
from commerce.order import status as order_status
from commerce.order.exceptions import CheckoutError
from commerce.order.models import PaymentMethod
from commerce.orderedit.forms import OrderEditForm
from commerce.orderedit.selectors import edit_denial, order_version
from commerce.orderedit.services import order_edit

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Company = get_model("accounts", "Company")
ApprovalDecision = get_model("approvals", "ApprovalDecision")

SITE_NAMES = dict(SITE_CHOICES)


def desk_orders(user):
    """Every order ``user`` may see on the desk, with what a row shows loaded."""
    orders = (
        oscar_views.queryset_orders_for_user(user)
        .select_related("site", "company", "approval", "paid_by")
        .annotate(
            has_overdue_invoice=Exists(
                billing_selectors.overdue_invoices().filter(order=OuterRef("pk"))
            )
        )
        .order_by("-date_placed", "-pk")
    )
    return company_scope(orders, user)


def desk_order_or_404(user, number):
    """The order numbered ``number`` if ``user`` may see it on the desk; every
    desk view that takes an order number loads it here."""
    order = desk_orders(user).filter(number=number).first()
    if order is None:
        raise Http404
    return order


def visible_companies(user):
    return company_scope(Company.objects.order_by("name"), user, field="")


class OrderStatsView(oscar_views.OrderStatsView):
    """Oscar's statistics over the orders the staff member may see."""

    def get_stats(self, filters):
        orders = desk_orders(self.request.user).filter(**filters)
        return {
            "total_orders": orders.count(),
            "total_lines": Line.objects.filter(order__in=orders).count(),
            "total_revenue": quantize(
                orders.aggregate(total=Sum("total_incl_tax"))["total"] or ZERO
            ),
            "order_status_breakdown": orders.order_by("status")
            .values("status")
            .annotate(freq=Count("id")),
        }


class OrderListView(oscar_views.OrderListView):
    handler_class = EventHandler  # staff actions go through the status pipeline
    CSV_COLUMNS = {
        **oscar_views.OrderListView.CSV_COLUMNS,
        "site": _("Site"),
        "company": _("Company"),
        "po_number": _("PO number"),
        "payment_method": _("Payment method"),
        "overdue": _("Overdue invoice"),
    }

    @property
    def form_class(self):
        return partial(OrderSearchForm, companies=visible_companies(self.request.user))

    def dispatch(self, request, *args, **kwargs):
        # Oscar's dispatch would set its own base queryset; the desk's is scoped.
        self.base_queryset = desk_orders(request.user)
        return super(oscar_views.OrderListView, self).dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.form.is_valid():
            return queryset
        data = self.form.cleaned_data
        if data["site"]:
            queryset = queryset.filter(site_id=int(data["site"]))
        if data["company"]:
            queryset = queryset.filter(company=data["company"])
        if data["method"]:
            queryset = queryset.filter(payment_method=data["method"])
        if data["pending_approval"]:
            queryset = queryset.filter(status=order_status.PENDING_APPROVAL)
        if data["overdue"]:
            queryset = queryset.filter(has_overdue_invoice=True)
        return queryset

    def get_search_filter_descriptions(self):
        descriptions = super().get_search_filter_descriptions()
        data = getattr(self.form, "cleaned_data", None) or {}
        if data.get("site"):
            descriptions.append(_("Site is {site}").format(site=SITE_NAMES[data["site"]]))
        if data.get("company"):
            descriptions.append(_("Company is {name}").format(name=data["company"].name))
        if data.get("method"):
            descriptions.append(
                _("Paid by {method}").format(method=PaymentMethod(data["method"]).label)
            )
        if data.get("pending_approval"):
            descriptions.append(_("Pending approval"))
        if data.get("overdue"):
            descriptions.append(_("Has an overdue invoice"))
        return descriptions

    def get_row_values(self, order):
        row = super().get_row_values(order)
        row.update(
            site=SITE_NAMES.get(str(order.site_id), ""),
            company=order.company.name if order.company_id else "",
            po_number=order.po_number,
            payment_method=order.get_payment_method_display(),
            overdue="yes" if order.has_overdue_invoice else "no",
        )
        return row

    def download_selected_orders(self, request, orders):
        """Oscar's CSV of the listed orders, through the project's export writer."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.get_download_filename(request)}"'
        )
        writer = CsvWriter(response)
        writer.writerow(self.CSV_COLUMNS.values())
        for order in orders:
            values = self.get_row_values(order)
            writer.writerow([values.get(column, "") for column in self.CSV_COLUMNS])
        return response

    def change_order_statuses(self, request, orders):
        """Move each selected order through the transitions service, one order
        per transaction: an order moves with all its side effects or not at all,
        and every refusal is reported with the order's number."""
        new_status = request.POST.get("new_status", "").strip()
        if new_status not in order_status.ALL:
            messages.error(request, _("Choose the status to move the orders to."))
            return self.back_to_list(request)
        changed, refused = [], []
        for order in orders.order_by("pk"):
            try:
                order_set_status(order=order, status=new_status, actor=request.user)
            except (CheckoutError, LockConflict) as error:
                problem = str(error)
                refused.append(problem if order.number in problem else f"{order.number}: {problem}")
            else:
                changed.append(order.number)
        if changed:
            messages.success(
                request,
                _("%(count)d order(s) moved to %(status)s: %(numbers)s")
                % {"count": len(changed), "status": new_status, "numbers": ", ".join(changed)},
            )
        for problem in refused:
            messages.error(request, _("Not changed — %s") % problem)
        return self.back_to_list(request)

    @staticmethod
    def back_to_list(request):
        """The list as the staff member left it: the bulk form posts to the
        filtered URL, so its query string carries the filters, sort and page."""
        query = request.GET.copy()
        query.pop("response_format", None)
        url = reverse("dashboard:order-list")
        return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)


class OrderDetailView(oscar_views.OrderDetailView):
    handler_class = EventHandler  # staff actions go through the status pipeline
    # The status pipeline's freeze (``approval_freeze``) covers every staff
    # action but notes: its status, lines, shipments and payments.
    WHILE_FROZEN = ("save_note", "delete_note")

    def handle_order_action(self, request, order, action):
        frozen = approval_freeze(order)
        if frozen and action not in self.WHILE_FROZEN:
            return self.reload_page(error=frozen)
        return super().handle_order_action(request, order, action)

    def handle_line_action(self, request, order, action):
        frozen = approval_freeze(order)
        if frozen:
            return self.reload_page(error=frozen)
        return super().handle_line_action(request, order, action)

    def get_object(self, queryset=None):
        return desk_order_or_404(self.request.user, self.kwargs["number"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        approval = getattr(order, "approval", None)  # None when no approval was needed
        context.update(
            edit_denial=edit_denial(order, self.request.user),
            pending_approval_status=order_status.PENDING_APPROVAL,
            one_off_address=ship_to.one_off_address_recorded(order),
            site_name=SITE_NAMES.get(str(order.site_id), ""),
            approval=approval,
            approval_decisions=(
                approval.decisions.select_related("approver").order_by("created_at")
                if approval
                else ApprovalDecision.objects.none()
            ),
            approval_events=(
                approval.events.select_related("actor").order_by("created_at") if approval else []
            ),
            invoices=Invoice.objects.filter(order=order)
            .select_related("account")
            .prefetch_related("allocations__payment")
            .order_by("issued_on", "number"),
        )
        return context


class LineDetailView(oscar_views.LineDetailView):
    def get_object(self, queryset=None):
        order = desk_order_or_404(self.request.user, self.kwargs["number"])
        line = order.lines.filter(pk=self.kwargs["line_id"]).first()
        if line is None:
            raise Http404
        return line


class ShippingAddressUpdateView(oscar_views.ShippingAddressUpdateView):
    def get_object(self, queryset=None):
        order = desk_order_or_404(self.request.user, self.kwargs["number"])
        if order.shipping_address_id is None:
            raise Http404
        return order.shipping_address


class OrderEditView(TemplateView):
    """Order desk: "Edit order" — quantities, lines, delivery address — until
    the order ships (``commerce.orderedit``)."""

    template_name = "oscar/dashboard/orders/order_edit.html"

    def form(self, order, data=None):
        lines = list(order.lines.order_by("pk"))
        return OrderEditForm(data, order=order, lines=lines, version=order_version(order))

    def get(self, request, number):
        order = desk_order_or_404(request.user, number)
        denial = edit_denial(order, request.user)
        if denial:
            messages.error(request, denial)
            return redirect("dashboard:order-detail", number=number)
        return self.render_to_response({"order": order, "form": self.form(order)})

    def post(self, request, number):
        order = desk_order_or_404(request.user, number)
        form = self.form(order, request.POST)
        if form.is_valid():
            try:
                result = order_edit(
                    order=order,
                    changes=form.changes(),
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                message = f"Order {number} was changed."
                if result.needs_approval:
                    message += " It waits for the company's approvers."
                messages.success(request, message)
                return redirect("dashboard:order-detail", number=number)
        return self.render_to_response({"order": order, "form": form}, status=400)
