"""PRINT of an Authorization Lookup result: the page's values as a PDF, rendered by WeasyPrint
from a self-contained page (its style inline, nothing fetched), as the letters are."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from cases.lookup.selectors import AuthorizationResult
from cases.pdf import pdf_from_html

AUTHORIZATION_PDF_TEMPLATE = "cases/lookup/authorization_pdf.html"


def authorization_pdf_bytes(result: AuthorizationResult) -> bytes:
    """The result as a PDF."""
    html = render_to_string(
        AUTHORIZATION_PDF_TEMPLATE, {"result": result, "portal_name": settings.PORTAL_NAME}
    )
    return pdf_from_html(html)
