"""Logging filters named in `LOGGING` (settings); plain `logging`, no Django import."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """Keep a refused (403) or missing (404) request to its one warning line.

    Django logs a page's PermissionDenied with the exception attached, so every refusal
    printed a traceback that buried real errors. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (403, 404):
            record.exc_info = None
            record.exc_text = None
        return True
