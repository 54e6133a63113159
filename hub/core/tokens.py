"""Signed tokens for links in mails: one serializer, salt and max age per purpose.

Single use does not come from the token but from the state it is bound to: an activation token
carries the account's security stamp, which changes when the password is set.
"""

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from hub.config import setting
from hub.core.errors import AppError

#: purpose -> (salt, setting holding the max age in seconds)
PURPOSES = {
    'activate': ('carehub.activate.v1', 'ACTIVATION_MAX_AGE'),
    'reset': ('carehub.reset.v1', 'RESET_MAX_AGE'),
    'invite': ('carehub.invite.v1', 'INVITATION_MAX_AGE'),
    #: the link in the mail about a care plan waiting for approval: bound to plan, version and person
    'sign_off': ('carehub.sign-off.v1', 'SIGN_OFF_LINK_MAX_AGE'),
    #: the browsers that logged in to an address before (login throttling, hub.account.throttle)
    'known_browser': ('carehub.known-browser.v1', 'KNOWN_BROWSER_MAX_AGE'),
    #: the one-click unsubscribe of a kind of mail (hub.account.notifications)
    'unsubscribe': ('carehub.unsubscribe.v1', 'UNSUBSCRIBE_MAX_AGE'),
}


class InvalidToken(AppError):
    status = 400
    code = 'invalid_token'


def _serializer(purpose):
    salt, _ = PURPOSES[purpose]
    return URLSafeTimedSerializer(setting('SECRET_KEY'), salt=salt)


def make_token(purpose: str, payload: dict) -> str:
    """Sign ``payload`` for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token) -> dict:
    """Return the payload of a token of ``purpose``, or raise InvalidToken."""
    if not isinstance(token, str) or not token or len(token) > 2000:
        raise InvalidToken(_l('This link is not valid.'))
    _, max_age_key = PURPOSES[purpose]
    try:
        payload = _serializer(purpose).loads(token, max_age=setting(max_age_key))
    except SignatureExpired:
        raise InvalidToken(_l('This link has expired.'), code='token_expired') from None
    except BadSignature:
        raise InvalidToken(_l('This link is not valid.')) from None
    if not isinstance(payload, dict):
        raise InvalidToken(_l('This link is not valid.'))
    return payload
