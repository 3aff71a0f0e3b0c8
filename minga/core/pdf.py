"""Documents out as PDF: the one place HTML becomes a PDF (WeasyPrint, a maintained
library; fonts from Debian's packages). Every PDF is tagged, so headings, bookmarks and
the reading order reach a screen reader, and carries the document's language."""

from __future__ import annotations

from django.http import HttpResponse

from minga.core.exports import attachment


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango) are missing on this machine."""


def pdf_bytes(html: str) -> bytes:
    """The HTML document (with its `lang`, `<title>` and headings) as a tagged PDF."""
    try:
        # Loaded here: WeasyPrint costs start-up time, and needs Pango only when used.
        import weasyprint  # type: ignore[import-untyped]
    except OSError as exc:  # a missing shared library, not a missing package
        raise PdfUnavailable(
            "PDF needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"
        ) from exc
    document: bytes = weasyprint.HTML(string=html).write_pdf(pdf_tags=True)
    return document


def pdf_response(html: str, filename: str) -> HttpResponse:
    return attachment(pdf_bytes(html), "application/pdf", filename)
