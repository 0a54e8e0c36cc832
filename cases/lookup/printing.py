"""PRINT of an Authorization Lookup result: the page's values as a PDF, rendered by WeasyPrint
from a self-contained page (its style inline, nothing fetched), as the summary's PDF is."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from cases.lookup.selectors import AuthorizationResult

AUTHORIZATION_PDF_TEMPLATE = "cases/lookup/authorization_pdf.html"


def authorization_pdf_bytes(result: AuthorizationResult) -> bytes:
    """The result as a PDF. Imported here: loading WeasyPrint costs every process that never
    prints."""
    from weasyprint import HTML, URLFetcher

    class NothingFetched(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError("The authorization PDF fetches no resources.")

    html = render_to_string(
        AUTHORIZATION_PDF_TEMPLATE, {"result": result, "portal_name": settings.PORTAL_NAME}
    )
    return HTML(string=html, url_fetcher=NothingFetched()).write_pdf()
