from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of 50 by default; a client may ask for up to MAX_PAGE_SIZE with ?page_size=."""

    page_size_query_param = "page_size"
    max_page_size = settings.MAX_PAGE_SIZE
