"""Django admin for the reference data, for the people who configure plans: health plans and
what they delegate, code lists, members, practitioners and sites, plus CSV import of the large
lists.

The member, coverage, practitioner and site tables are large (a million members); their admins
are built on `portal.admin_large_tables`.

Importing the modules registers their admins.
"""

from eligibility.admin import codes, people, plans

__all__ = ["codes", "people", "plans"]
