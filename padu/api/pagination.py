from rest_framework.pagination import CursorPagination


class ByIdCursor(CursorPagination):
    """Pages by a cursor on the id: stable while rows are added, and as fast at the
    millionth row as at the first."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
