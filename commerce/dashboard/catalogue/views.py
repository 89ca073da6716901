"""Oscar's catalogue dashboard views, plus assortments (named sets of products and
categories only chosen companies and tiers see)."""

import io

from django.contrib import messages
from django.contrib.messages.views import SuccessMessageMixin
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.views import View, generic
from oscar.apps.dashboard.catalogue import views as oscar_views
from oscar.core.loading import get_model

from catalog.exports import export_rows, export_xlsx
from commerce.dashboard.catalogue.forms import AssortmentForm, ProductImportForm
from commerce.imports.dashboard.mixins import ImportUploadMixin
from commerce.webhooks import events
from commerce.webhooks.events import webhook_event

Assortment = get_model("catalogue", "Assortment")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    """Oscar's product form; a save announces ``product.updated`` (and
    ``stock.changed`` when its stock records changed) with the change."""

    def forms_valid(self, form, formsets):
        with transaction.atomic():
            response = super().forms_valid(form, formsets)
            data = {"source": "dashboard", "products": [self.object.pk]}
            webhook_event(type=events.PRODUCT_UPDATED, data=data)
            stock = formsets.get("stockrecord_formset")
            if stock is not None and stock.has_changed():
                webhook_event(type=events.STOCK_CHANGED, data=data)
        return response


class AssortmentListView(generic.ListView):
    template_name = "oscar/dashboard/catalogue/assortment_list.html"
    context_object_name = "assortments"
    paginate_by = 50

    def get_queryset(self):
        return Assortment.objects.annotate(
            num_products=Count("products", distinct=True),
            num_categories=Count("categories", distinct=True),
            num_companies=Count("companies", distinct=True),
            num_tiers=Count("tiers", distinct=True),
        ).order_by("name")


class AssortmentFormMixin(SuccessMessageMixin):
    model = Assortment
    form_class = AssortmentForm
    template_name = "oscar/dashboard/catalogue/assortment_form.html"
    success_url = reverse_lazy("dashboard:catalogue-assortment-list")


class AssortmentCreateView(AssortmentFormMixin, generic.CreateView):
    success_message = "Assortment '%(name)s' created."


class AssortmentUpdateView(AssortmentFormMixin, generic.UpdateView):
    success_message = "Assortment '%(name)s' saved."


class AssortmentDeleteView(generic.DeleteView):
    model = Assortment
    template_name = "oscar/dashboard/catalogue/assortment_delete.html"
    success_url = reverse_lazy("dashboard:catalogue-assortment-list")

    def form_valid(self, form):
        messages.success(self.request, f"Assortment '{self.object.name}' deleted.")
        return super().form_valid(form)


class ProductImportView(ImportUploadMixin, generic.FormView):
    """Upload a product CSV: it is checked (dry run) by a task, then applied from its
    status page."""

    template_name = "oscar/dashboard/catalogue/product_import.html"
    form_class = ProductImportForm
    import_kind = "products"


class ProductExportView(View):
    """Every product as CSV (streamed) or, with ``?format=xlsx``, as a workbook."""

    def get(self, request):
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        if request.GET.get("format") == "xlsx":
            workbook = io.BytesIO()
            export_xlsx(workbook)
            response = HttpResponse(workbook.getvalue(), content_type=XLSX_TYPE)
            extension = "xlsx"
        else:
            response = StreamingHttpResponse(export_rows(), content_type="text/csv; charset=utf-8")
            extension = "csv"
        response["Content-Disposition"] = f'attachment; filename="products-{stamp}.{extension}"'
        return response
