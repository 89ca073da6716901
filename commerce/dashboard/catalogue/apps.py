from django.urls import path
from oscar.apps.dashboard.catalogue import apps
from oscar.core.loading import get_class


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Oscar's catalogue dashboard (same label), with visibility on the product and
    category forms and assortments."""

    name = "commerce.dashboard.catalogue"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        assortments = DashboardPermission.get(
            "catalogue", "view_assortment", "add_assortment", "change_assortment"
        )
        self.permissions_map.update(
            {
                "catalogue-assortment-list": assortments,
                "catalogue-assortment-create": assortments,
                "catalogue-assortment-update": assortments,
                "catalogue-assortment-delete": (
                    DashboardPermission.get("catalogue", "delete_assortment"),
                ),
                "catalogue-product-import": (
                    DashboardPermission.get("catalogue", "add_product", "change_product"),
                ),
                "catalogue-product-export": (DashboardPermission.get("catalogue", "view_product"),),
            }
        )

    def ready(self):
        super().ready()
        from commerce.dashboard.catalogue import views

        self.assortment_views = views

    def get_urls(self):
        views = self.assortment_views
        urls = [
            path(
                "products/import/",
                views.ProductImportView.as_view(),
                name="catalogue-product-import",
            ),
            path(
                "products/export/",
                views.ProductExportView.as_view(),
                name="catalogue-product-export",
            ),
            path(
                "assortments/",
                views.AssortmentListView.as_view(),
                name="catalogue-assortment-list",
            ),
            path(
                "assortments/create/",
                views.AssortmentCreateView.as_view(),
                name="catalogue-assortment-create",
            ),
            path(
                "assortments/<int:pk>/",
                views.AssortmentUpdateView.as_view(),
                name="catalogue-assortment-update",
            ),
            path(
                "assortments/<int:pk>/delete/",
                views.AssortmentDeleteView.as_view(),
                name="catalogue-assortment-delete",
            ),
        ]
        return self.post_process_urls(urls) + super().get_urls()
