"""CSV import of reference data: members and their coverage, practitioners, sites of service and
procedure codes.

One service per kind of file. A file is read whole; each row is checked the way the admin's forms
check it (the model's own validators: NPI check digit, ZIP code, phone digits, lengths, choices);
the good rows are then written in bulk in one transaction, and every bad row is reported with its
line number and written not at all. A file that cannot be read as a whole (not UTF-8 text, empty,
too large, a header without the expected columns) is refused with one message and nothing is
written. Importing the same file twice updates rows; it never duplicates them.

The size limit (MAX_IMPORT_BYTES) is defined in `eligibility.imports.reader`; the reader and the
admin's upload form both read it from there.
"""

from eligibility.imports.members import MEMBER_COLUMNS, members_import
from eligibility.imports.practitioners import PRACTITIONER_COLUMNS, practitioners_import
from eligibility.imports.procedure_codes import PROCEDURE_CODE_COLUMNS, procedure_codes_import
from eligibility.imports.reader import Column, ImportReport, RejectedRow
from eligibility.imports.sites import SITE_COLUMNS, sites_import

__all__ = [
    "MEMBER_COLUMNS",
    "PRACTITIONER_COLUMNS",
    "PROCEDURE_CODE_COLUMNS",
    "SITE_COLUMNS",
    "Column",
    "ImportReport",
    "RejectedRow",
    "members_import",
    "practitioners_import",
    "procedure_codes_import",
    "sites_import",
]
