"""Paging of the lists people read: one page size, one way to count and cut pages."""

PAGE_SIZE = 50


def page_count(total, size=PAGE_SIZE):
    """How many pages `total` rows fill (at least one, so an empty list still has a page 1)."""
    return max(1, -(-total // size))


def page_slice(rows, page, size=PAGE_SIZE):
    """The rows of page `page` (1-based) of an in-memory list."""
    return rows[(page - 1) * size:page * size]


def page_offset(page, size=PAGE_SIZE):
    """The row offset where page `page` (1-based) starts."""
    return (page - 1) * size
