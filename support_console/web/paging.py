"""Pages of a list the database paginates: the page asked for, with what
the template needs to link to the others. Totals are counted up to a cap
(borrower_help.reporting.queries.COUNT_CAP): past it the page says "more
than N" and links to the next page as long as there is one."""
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from django.http import HttpRequest


def page_number(request: HttpRequest, name: str = "page") -> int:
    try:
        return max(1, min(int(request.GET.get(name, "1")), 100_000))
    except ValueError:
        return 1


@dataclass
class Page:
    items: List[Any]
    number: int
    size: int
    total: Optional[int]  # counted up to `cap` + 1; None: many, not counted
    cap: Optional[int] = None
    has_more: bool = False  # a next page exists (known without counting)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def capped(self) -> bool:
        return self.total is None or (self.cap is not None and self.total > self.cap)

    @property
    def num_pages(self) -> int:
        if self.total is None:
            return self.number + int(self.has_more)
        return max(1, -(-min(self.total, self.cap or self.total) // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.has_more or self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def fetch(number: int, size: int, items: Callable[[int, int], List[Any]], total: Optional[int],
          cap: Optional[int] = None) -> Page:
    """One more item than the page holds is read to know whether a next page exists."""
    found = items((number - 1) * size, size + 1)
    return Page(found[:size], number, size, total, cap, has_more=len(found) > size)
