"""The portal's PDFs (letters, PRINT of the summary and of an authorization) from self-contained
HTML with WeasyPrint, fetching nothing."""

from __future__ import annotations

import threading

_local = threading.local()


def _weasyprint():
    """WeasyPrint's HTML, a URL fetcher that fetches nothing and this thread's font
    configuration, made once per thread: a new font configuration on every letter costs a
    fifth of its rendering. Imported here: loading WeasyPrint costs every process that never
    renders."""
    tools = getattr(_local, "weasyprint", None)
    if tools is None:
        from weasyprint import HTML, URLFetcher
        from weasyprint.text.fonts import FontConfiguration

        class NothingFetched(URLFetcher):
            def fetch(self, url, headers=None):
                raise ValueError("The portal's PDFs fetch no resources.")

        tools = _local.weasyprint = (HTML, NothingFetched(), FontConfiguration())
    return tools


def pdf_from_html(html: str) -> bytes:
    """A self-contained page (its style inline) as a PDF; it fetches nothing: no file, no
    network. The letters, the summary's and Authorization Lookup's PRINT."""
    html_class, fetcher, fonts = _weasyprint()
    return html_class(string=html, url_fetcher=fetcher).write_pdf(font_config=fonts)
