"""Opaque cursors for lists that page by (time, id), newest or oldest first."""

import base64
import json
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l

from hub.core.errors import InvalidInput
from hub.core.timeutil import as_utc


def encode_cursor(moment: datetime, ident) -> str:
    """Return an opaque cursor that points just past the row at ``moment`` with id ``ident``."""
    raw = json.dumps([moment.isoformat(), str(ident)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip('=')


def decode_cursor(cursor: str):
    """Return (moment, id) from a cursor, or raise InvalidInput."""
    try:
        moment, ident = json.loads(base64.urlsafe_b64decode(cursor + '=' * (-len(cursor) % 4)))
        parsed = datetime.fromisoformat(moment)
        if parsed.tzinfo is None:
            raise ValueError('naive')
        return as_utc(parsed), uuid.UUID(ident)
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        raise InvalidInput(_l('The cursor is not valid.'), code='invalid_cursor') from None
