"""Profile photos: JPEG or PNG up to 5 MB, checked by content and re-encoded (no metadata kept).

Memory is bounded before anything is decoded: a JPEG is decoded at a reduced scale (the decoder's
draft mode, at most twice the size we keep), a PNG only up to 4096 by 4096 pixels, and one process
decodes one photo at a time.
"""

import threading
import warnings
from io import BytesIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from hub.account.models import Account, AccountPhoto
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.timeutil import utcnow
from hub.extensions import db

MAX_BYTES = 5 * 1024 * 1024
#: a JPEG is decoded at 1/2 to 1/8 of its size, so it may be large (a 48-megapixel phone camera is 8000 by 6000)
MAX_JPEG_SIDE = 10_000
#: a PNG is decoded in full: 4096 by 4096 RGBA is 64 MB at most
MAX_PNG_SIDE = 4096
SIDE = 512
#: one decode at a time in a process, whatever the number of threads
_DECODING = threading.BoundedSemaphore(1)


def _refuse():
    message = _l('Choose a photo in JPEG or PNG, at most 5 MB.')
    return InvalidInput(message, code='invalid_photo', fields={'photo': [str(message)]})


def reencode(data: bytes, side: int = SIDE) -> bytes:
    """Return the photo as a fresh JPEG of at most ``side`` by ``side`` pixels, or raise InvalidInput."""
    if not data or len(data) > MAX_BYTES:
        raise _refuse()
    try:
        with warnings.catch_warnings(), _DECODING:
            warnings.simplefilter('error', Image.DecompressionBombWarning)  # a bomb is refused, not warned about
            image = Image.open(BytesIO(data))
            if image.format in ('JPEG', 'MPO') and max(image.size) <= MAX_JPEG_SIDE:
                image.draft('RGB', (side * 2, side * 2))  # decode at a fraction of the size: little memory
            elif image.format != 'PNG' or max(image.size) > MAX_PNG_SIDE:
                raise _refuse()
            image.load()
            image = ImageOps.exif_transpose(image)  # upright, as the phone showed it
            image.thumbnail((side, side))
            image = image.convert('RGB')
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, ValueError):
        raise _refuse() from None
    out = BytesIO()
    image.save(out, format='JPEG', quality=85, optimize=True)
    return out.getvalue()


def set_photo(account: Account, data: bytes) -> AccountPhoto:
    """Store a new profile photo for the account."""
    encoded = reencode(data)
    photo = db.session.get(AccountPhoto, account.id)
    if photo is None:
        photo = AccountPhoto(account_id=account.id, data=encoded)
        db.session.add(photo)
    photo.data, photo.updated_at = encoded, utcnow()
    audit('account.photo', 'U', actor=account)
    return photo


def remove_photo(account: Account):
    """Delete the account's profile photo."""
    photo = db.session.get(AccountPhoto, account.id)
    if photo is not None:
        db.session.delete(photo)
        audit('account.photo', 'D', actor=account)


def with_photo(account_ids) -> set:
    """The accounts among ``account_ids`` that have a photo, in one query."""
    ids = list(account_ids)
    if not ids:
        return set()
    return set(db.session.execute(select(AccountPhoto.account_id).where(AccountPhoto.account_id.in_(ids))).scalars())


def photo_of(account_id) -> AccountPhoto | None:
    """Return an account's photo, if it has one."""
    return db.session.get(AccountPhoto, account_id)
