"""Profile photos: JPEG or PNG up to 5 MB, checked by content and re-encoded (no metadata kept)."""

import warnings
from io import BytesIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from hub.account.models import Account, AccountPhoto
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.timeutil import utcnow
from hub.extensions import db

MAX_BYTES = 5 * 1024 * 1024
#: refuse images that would unpack to more pixels than this (decompression bombs)
MAX_PIXELS = 40_000_000
SIDE = 512


def _refuse():
    message = _l('Choose a photo in JPEG or PNG, at most 5 MB.')
    return InvalidInput(message, code='invalid_photo', fields={'photo': [str(message)]})


def reencode(data: bytes) -> bytes:
    """Return the photo as a fresh JPEG of at most 512 by 512 pixels, or raise InvalidInput."""
    if not data or len(data) > MAX_BYTES:
        raise _refuse()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)  # a bomb is refused, not warned about
            image = Image.open(BytesIO(data))
            if image.format not in ('JPEG', 'MPO', 'PNG') or image.width * image.height > MAX_PIXELS:
                raise _refuse()
            image.load()
            image = ImageOps.exif_transpose(image).convert('RGB')  # upright, as the phone showed it
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, ValueError):
        raise _refuse() from None
    image.thumbnail((SIDE, SIDE))
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


def photo_of(account_id) -> AccountPhoto | None:
    """Return an account's photo, if it has one."""
    return db.session.get(AccountPhoto, account_id)
