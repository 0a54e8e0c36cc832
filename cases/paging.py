"""One page of a list of cases (Certification Summary, My Worklist, the Medical Review Queue):
its rows, where it stands among the pages, and the members it shows (for the access log)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import Case
from eligibility.models import Member


@dataclass
class Page:
    rows: list[Case]
    number: int
    pages: int
    total: int
    per_page: int
    # Every member whose data the page shows (for the access log).
    members: list[Member] = field(default_factory=list)
    # More rows than `total` match (a list that counts only up to a limit).
    more: bool = False

    @property
    def total_text(self) -> str:
        """The total with thousands separators: "10,000"."""
        return f"{self.total:,}"

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return min(self.number * self.per_page, self.total)
