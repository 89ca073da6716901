"""``/api/products/``: the catalog with the caller's prices."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from catalog import selectors as catalog
from commerce.api.permissions import CatalogAccess
from commerce.api.selectors import products_for
from commerce.api.serializers.catalog import ProductSerializer
from commerce.api.views.base import ApiGenericView, ApiListView


class ProductFilters(serializers.Serializer):
    category = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    search = serializers.CharField(max_length=200, required=False, default="")
    sku = serializers.CharField(max_length=128, required=False, default="")
    sort = serializers.ChoiceField(choices=list(catalog.SORTS), default=catalog.DEFAULT_SORT)


FILTER_PARAMETERS = [
    OpenApiParameter("category", OpenApiTypes.INT, description="Category id (and below)."),
    OpenApiParameter("search", OpenApiTypes.STR, description="Words, or an exact SKU."),
    OpenApiParameter("sku", OpenApiTypes.STR, description="Exact SKU."),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=list(catalog.SORTS)),
]


class ProductListView(ApiListView):
    """Products with the caller's price quote, availability and quantity rules."""

    serializer_class = ProductSerializer
    permission_classes = [CatalogAccess]

    def get_queryset(self):
        filters = ProductFilters(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return products_for(self.site_request, **filters.validated_data)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "strategy": self.site_request.strategy}

    @extend_schema(parameters=FILTER_PARAMETERS)
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        self.site_request.strategy.prefetch(page)  # price the page at once
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class ProductDetailView(ApiGenericView):
    serializer_class = ProductSerializer
    permission_classes = [CatalogAccess]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "strategy": self.site_request.strategy}

    def get(self, request, pk: int):
        product = products_for(self.site_request).filter(pk=pk).first()
        if product is None:
            raise Http404("No such product.")
        return Response(self.get_serializer(product).data)
