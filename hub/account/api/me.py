"""My account: details, mails, phone, where I am logged in, remembered devices, my photo."""

from flask import g
from flask_babel import lazy_gettext as _l

from hub.account import notifications, profile
from hub.account.access import (
    account_key,
    current_account,
    current_session,
    log_out,
    login_limited,
    photo_limit,
)
from hub.account.api.base import account_json, bp, wrong_code_response
from hub.account.photos import MAX_BYTES, remove_photo, set_photo
from hub.account.schemas import (
    NotificationSettingsSchema,
    ProfileSchema,
    TotpCodeSchema,
)
from hub.extensions import limiter
from hub.web import error_response, load_json, parse_id, uploaded


@bp.get('/me')
def me():
    return account_json(current_account())


@bp.patch('/me')
def update_me():
    data = load_json(ProfileSchema())
    return account_json(profile.update_profile(current_account(), data, current_session()))


@bp.get('/me/notifications')
def my_notifications():
    """How I hear of each kind of event: ``immediate`` (a mail at once), ``daily`` (a digest) or ``off``."""
    return {'settings': notifications.settings_of(current_account())}


@bp.patch('/me/notifications')
def change_my_notifications():
    """Change how I hear of some kinds of event: ``{settings: {event_type: immediate|daily|off}}``."""
    data = load_json(NotificationSettingsSchema())
    return {'settings': notifications.change_settings(current_account(), data['settings'])}


@bp.post('/me/phone/verify')
@login_limited()
def verify_phone():
    data = load_json(TotpCodeSchema())
    account = current_account()
    if not profile.confirm_phone(account, current_session(), data['code']):
        return wrong_code_response()
    return account_json(account)


def session_json(item):
    return {'id': str(item.id), 'label': item.label, 'created_at': item.created_at.isoformat(),
            'last_seen_at': item.last_seen_at.isoformat(), 'current': item.id == g.auth_session.id}


@bp.get('/me/sessions')
def sessions():
    return {'items': [session_json(s) for s in profile.sessions_of(current_account())], 'next': None}


@bp.delete('/me/sessions')
def logout_everywhere():
    profile.end_every_session(current_account(), but=g.auth_session)
    log_out()
    return '', 204


@bp.delete('/me/sessions/<session_id>')
def end_one_session(session_id):
    profile.end_session_of(current_account(), parse_id(session_id))
    return '', 204


@bp.get('/me/devices')
def devices():
    items = profile.devices_of(current_account())
    return {'items': [{'id': str(d.id), 'label': d.label, 'created_at': d.created_at.isoformat(),
                       'expires_at': d.expires_at.isoformat(),
                       'last_used_at': d.last_used_at.isoformat() if d.last_used_at else None} for d in items],
            'next': None}


@bp.delete('/me/devices/<device_id>')
def forget_device(device_id):
    profile.forget_device(current_account(), parse_id(device_id))
    return '', 204


@bp.post('/me/photo')
@limiter.limit(photo_limit, key_func=account_key)
def upload_photo():
    account = current_account()
    data = uploaded('photo', MAX_BYTES)
    if data is None:
        return error_response('invalid_photo', _l('Choose a photo in JPEG or PNG, at most 5 MB.'), 422)
    set_photo(account, data)
    return {'photo': True}, 201


@bp.delete('/me/photo')
def delete_photo():
    remove_photo(current_account())
    return '', 204
