"""Opaque cursors for lists that page by (time, id), newest or oldest first."""

import base64
import json
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import tuple_

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
        raise InvalidInput(_l('The list cannot go on from here. Open the list again from the start.'), code='invalid_cursor') from None


def after_cursor(query, moment_column, id_column, cursor, newest_first=True):
    """Return ``query`` limited to the rows past ``cursor`` in the order (moment, id).

    A row value (``(moment, id) < (:moment, :id)``) lets the database enter an index on (…, moment, id)
    at the cursor; the same test written as an OR of its two parts is read from the start of the index.
    """
    if not cursor:
        return query
    moment, ident = decode_cursor(cursor)
    row = tuple_(moment_column, id_column)
    return query.where(row < (moment, ident) if newest_first else row > (moment, ident))
