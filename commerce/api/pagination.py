from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Every list: ``?page=`` and ``?page_size=`` (up to 100), with count/next/previous."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
