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
from hub.account.answer_schemas import AccountSchema, DeviceSchema, NotificationsSchema, PhotoSchema, SessionSchema
from hub.account.api.base import bp, wrong_code_response
from hub.account.photos import MAX_BYTES, remove_photo, set_photo
from hub.account.schemas import (
    NotificationSettingsSchema,
    ProfileSchema,
    TotpCodeSchema,
)
from hub.core.schemas import page_of
from hub.extensions import limiter
from hub.web import error_response, multipart_body, parse_id, uploaded


@bp.get('/me')
@bp.response(200, AccountSchema)
def me():
    """My profile"""
    return current_account()


@bp.patch('/me')
@bp.arguments(ProfileSchema)
@bp.response(200, AccountSchema)
def update_me(data):
    """Change my names, language or time zone"""
    return profile.update_profile(current_account(), data, current_session())


@bp.get('/me/notifications')
@bp.response(200, NotificationsSchema)
def my_notifications():
    """How I hear of each kind of event: immediate, daily (a digest) or off"""
    return {'settings': notifications.settings_of(current_account())}


@bp.patch('/me/notifications')
@bp.arguments(NotificationSettingsSchema)
@bp.response(200, NotificationsSchema)
def change_my_notifications(data):
    """Change how I hear of some kinds of event: `{settings: {event_type: immediate|daily|off}}`"""
    return {'settings': notifications.change_settings(current_account(), data['settings'])}


@bp.post('/me/phone/verify')
@bp.response(200, AccountSchema)
@login_limited()
@bp.arguments(TotpCodeSchema)
def verify_phone(data):
    """Confirm a new mobile number with the code sent to it"""
    account = current_account()
    if not profile.confirm_phone(account, current_session(), data['code']):
        return wrong_code_response()
    return account


@bp.get('/me/sessions')
@bp.response(200, page_of(SessionSchema))
def sessions():
    """Where I am logged in"""
    return {'items': profile.sessions_of(current_account())}


@bp.delete('/me/sessions')
@bp.response(204)
def logout_everywhere():
    """Log out everywhere"""
    profile.end_every_session(current_account(), but=g.auth_session)
    log_out()
    return '', 204


@bp.delete('/me/sessions/<session_id>')
@bp.response(204)
def end_one_session(session_id):
    """Log out one session"""
    profile.end_session_of(current_account(), parse_id(session_id))
    return '', 204


@bp.get('/me/devices')
@bp.response(200, page_of(DeviceSchema))
def devices():
    """My remembered browsers"""
    return {'items': profile.devices_of(current_account())}


@bp.delete('/me/devices/<device_id>')
@bp.response(204)
def forget_device(device_id):
    """Forget a remembered browser"""
    profile.forget_device(current_account(), parse_id(device_id))
    return '', 204


@bp.post('/me/photo')
@bp.doc(requestBody=multipart_body('photo'))
@bp.response(201, PhotoSchema)
@limiter.limit(photo_limit, key_func=account_key)
def upload_photo():
    """Upload a profile photo (multipart field photo: JPEG or PNG, at most 5 MB)"""
    account = current_account()
    data = uploaded('photo', MAX_BYTES)
    if data is None:
        return error_response('invalid_photo', _l('Choose a photo in JPEG or PNG, at most 5 MB.'), 422)
    set_photo(account, data)
    return {'photo': True}


@bp.delete('/me/photo')
@bp.response(204)
def delete_photo():
    """Remove my profile photo"""
    remove_photo(current_account())
    return '', 204
