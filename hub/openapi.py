"""The OpenAPI 3.1 documents of both JSON APIs, built with apispec from the routes and their marshmallow schemas."""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from hub.account.schemas import (
    ActivateSchema,
    ChangePasswordSchema,
    CodeSchema,
    DeleteSchema,
    ForgotSchema,
    LoginSchema,
    MethodSchema,
    NotificationSettingsSchema,
    PasskeyMethodSchema,
    PasskeySchema,
    ProfileSchema,
    RegisterSchema,
    ResetSchema,
    ResetSendSchema,
    StrengthSchema,
    TermsSchema,
    TotpCodeSchema,
)
from hub.careprovider.common import OUTBOUND
from hub.circle.schemas import (
    AppointmentChangeSchema,
    AppointmentSchema,
    BoardSchema,
    HelpRequestSchema,
    InvitationSchema,
    MemberChangeSchema,
    MessageSchema,
    NoteChangeSchema,
    NoteSchema,
    ReplySchema,
    RespondSchema,
    ShareSchema,
    WellbeingSchema,
)
from hub.connect.schemas import IssueSchema, RedeemSchema
from hub.core.schemas import YEARS, Day, Moment, Text
from hub.core.text import text_pattern
from hub.dossier.schemas import (
    ApproveSchema,
    ContactChangeSchema,
    ContactPersonSchema,
    CorrectionSchema,
    DeclineSchema,
    MedicationSchema,
    OutsiderShareSchema,
)

ERROR = {'type': 'object', 'required': ['error'], 'properties': {'error': {
    'type': 'object', 'required': ['code', 'message'],
    'properties': {'code': {'type': 'string'}, 'message': {'type': 'string'}, 'fields': {'type': 'object'}}}}}
CIRCLE = {'type': 'object', 'required': ['id', 'name', 'role', 'permissions', 'providers'], 'properties': {
    'id': {'type': 'string', 'format': 'uuid'}, 'name': {'type': ['string', 'null']},
    'role': {'enum': ['manager', 'trust', 'basic']}, 'permissions': {'type': 'array', 'items': {'type': 'string'}},
    'providers': {'type': 'array', 'items': {'type': 'object'}}}}


#: the token endpoint answers errors as RFC 6749 section 5.2 says, not in the envelope of the rest
OAUTH_ERROR = {'type': 'object', 'required': ['error'], 'properties': {
    'error': {'enum': ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client',
                       'unsupported_grant_type', 'invalid_scope']},
    'error_description': {'type': 'string'}, 'error_uri': {'type': 'string'}}}
TOKEN = {'type': 'object', 'required': ['access_token', 'token_type', 'expires_in'], 'properties': {
    'access_token': {'type': 'string'}, 'token_type': {'type': 'string'}, 'expires_in': {'type': 'integer'},
    'scope': {'type': 'string'}}}
TOKEN_REQUEST = {'type': 'object', 'required': ['grant_type'], 'properties': {
    'grant_type': {'const': 'client_credentials'}, 'scope': {'type': 'string'}}}


def _list_of(item):
    return {'type': 'object', 'required': ['items', 'next'],
            'properties': {'items': {'type': 'array', 'items': item}, 'next': {'type': ['string', 'null']}}}


TIMELINE = {'type': 'object', 'required': ['items', 'next', 'last_visit', 'new_count'], 'properties': {
    'items': {'type': 'array', 'items': {'type': 'object', 'required': ['id', 'kind', 'occurred_at', 'new'],
                                         'properties': {'kind': {'enum': ['report', 'plan', 'questionnaire', 'note']},
                                                        'new': {'type': 'boolean'}}}},
    'next': {'type': ['string', 'null']}, 'last_visit': {'type': ['string', 'null'], 'format': 'date-time'},
    'new_count': {'type': 'integer', 'minimum': 0, 'maximum': 100}}}
DATA = {'type': 'object', 'required': ['sections'], 'properties': {'sections': {
    'type': 'object', 'additionalProperties': False,
    'properties': {name: {'type': 'array', 'items': {'type': 'object'}}
                   for name in ('client', 'gp_pharmacy', 'insurances', 'contact_persons', 'care_team')}}}}
CONTACT_REQUEST = {'type': 'object', 'required': ['id', 'kind', 'details', 'status'], 'properties': {
    'kind': {'type': 'string', 'enum': ['add', 'change']}, 'status': {'type': 'string', 'enum': ['sent', 'received']},
    'details': {'type': 'object'}}}
#: the query parameters of a route, where it has any
QUERY = {
    ('get', '/circles/{circle_id}/plans/{plan_id}'): [
        {'name': 'version', 'in': 'query', 'schema': {'type': 'string', 'minLength': 1, 'maxLength': 64}}],
    ('patch', '/circles/{circle_id}/appointments/{entry_id}'): [
        {'name': 'occurrence', 'in': 'query', 'schema': {'type': 'string', 'format': 'date'}}],
    ('delete', '/circles/{circle_id}/appointments/{entry_id}'): [
        {'name': 'occurrence', 'in': 'query', 'schema': {'type': 'string', 'format': 'date'}}],
    ('get', '/password/reset'): [
        {'name': 'token', 'in': 'query', 'required': True, 'schema': {'type': 'string', 'minLength': 1,
                                                                        'maxLength': 2000}}],
    ('get', '/circles/{circle_id}/export'): [
        {'name': 'format', 'in': 'query', 'schema': {'enum': ['fhir', 'html']}}],
    ('get', '/circles/{circle_id}/timeline'): [
        {'name': 'cursor', 'in': 'query', 'schema': {'type': 'string'}},
        {'name': 'kind', 'in': 'query', 'schema': {'enum': ['report', 'plan', 'questionnaire']}}],
}


#: a file sent as a multipart form
def _multipart(name, title=False):
    properties = {name: {'type': 'string', 'contentMediaType': 'application/octet-stream'}}
    if title:
        properties['title'] = {'type': 'string', 'maxLength': 300}
    return {'required': True, 'content': {'multipart/form-data': {'schema': {
        'type': 'object', 'required': [name], 'properties': properties, 'additionalProperties': False}}}}


#: (method, path) -> a request body that is not one JSON schema
BODIES = {
    ('post', '/me/photo'): _multipart('photo'),
    ('post', '/circles/{circle_id}/documents'): _multipart('file', title=True),
}
#: (method, path) -> the media types of the success answer, when not JSON
ANSWERS = {
    ('get', '/circles/{circle_id}/export'): {'application/fhir+json': {'schema': {'type': 'object'}},
                                              'text/html': {'schema': {'type': 'string'}}},
}


BOARD_POST = {'type': 'object', 'required': ['id', 'text', 'photo', 'reactions', 'reactions_count'], 'properties': {
    'photo': {'type': 'boolean'}, 'reactions': {'type': 'array', 'maxItems': 3},
    'reactions_count': {'type': 'integer', 'minimum': 0}}}
NOTIFICATIONS = {'type': 'object', 'required': ['settings'], 'properties': {'settings': {
    'type': 'object', 'additionalProperties': {'enum': ['immediate', 'daily', 'off']}}}}
APPOINTMENT = {'type': 'object', 'required': ['id', 'appointment_id', 'kind', 'title', 'starts_at', 'all_day'],
               'properties': {'kind': {'const': 'own'}, 'all_day': {'type': 'boolean'},
                              'occurrence': {'type': ['string', 'null']}, 'series_id': {'type': ['string', 'null']}}}
#: (method, path, summary, request schema, success status, success body schema)
MESSAGE = {'type': 'object', 'required': ['id', 'text', 'created_at', 'author', 'from_provider', 'mine'],
           'properties': {'id': {'type': 'string'}, 'text': {'type': 'string'},
                          'created_at': {'type': 'string', 'format': 'date-time'}, 'author': {'type': 'object'},
                          'from_provider': {'type': 'boolean'}, 'mine': {'type': 'boolean'}}}
THREAD = {'type': 'object', 'required': ['id', 'subject', 'audience', 'recipients', 'last_message_at', 'unread'],
          'properties': {'id': {'type': 'string'}, 'subject': {'type': 'string'},
                         'audience': {'enum': ['all', 'trust', 'provider', 'chosen']},
                         'recipients': {'type': 'array', 'items': {'type': 'string'}},
                         'last_message_at': {'type': 'string', 'format': 'date-time'},
                         'unread': {'type': 'integer', 'minimum': 0}, 'provider': {'type': ['object', 'null']},
                         'started_by': {'type': ['string', 'null']}}}
THREAD_WITH_MESSAGES = {'allOf': [THREAD, {'type': 'object', 'required': ['messages'], 'properties': {
    'messages': {'type': 'array', 'items': MESSAGE}}}]}

PLAN = {'type': 'object', 'required': ['id', 'plan_type', 'status', 'version', 'versions'], 'properties': {
    'id': {'type': 'string'}, 'kind': {'const': 'plan'}, 'version': {'type': 'string'},
    'plan_type': {'enum': ['client', 'work']}, 'discipline': {'type': ['string', 'null']},
    'status': {'type': ['string', 'null']},
    'versions': {'type': 'array', 'items': {'type': 'object', 'required': ['version', 'at']}},
    'approval': {'enum': ['awaiting_signature', 'approved', 'declined', 'none']}, 'data': {'type': 'object'},
    'goals': {'type': 'array', 'items': {'type': 'object'}}}}

PASSKEY_OPTIONS = {'type': 'object', 'required': ['publicKey'], 'properties': {'publicKey': {
    'type': 'object', 'required': ['challenge'], 'properties': {'challenge': {'type': 'string'},
                                                                'timeout': {'type': 'integer'}}}}}
PASSKEY = {'type': 'object', 'required': ['id', 'name', 'created_at', 'last_used_at'], 'properties': {
    'id': {'type': 'string'}, 'name': {'type': 'string'}, 'created_at': {'type': 'string', 'format': 'date-time'},
    'last_used_at': {'type': ['string', 'null'], 'format': 'date-time'}}}

ROUTES = [
    ('get', '/csrf', 'Get the CSRF token for unsafe calls', None, 200,
     {'type': 'object', 'properties': {'csrf_token': {'type': 'string'}}}),
    ('post', '/accounts', 'Register (always 202)', RegisterSchema, 202, {'type': 'object'}),
    ('post', '/accounts/activate', 'Set the first password and activate', ActivateSchema, 200, {'type': 'object'}),
    ('post', '/session', 'Log in (may ask for a second factor)', LoginSchema, 200, {'type': 'object'}),
    ('post', '/session/second-factor', 'Give the second factor (method email: the code mailed at login on a new '
                                       'browser)', CodeSchema, 200, {'type': 'object'}),
    ('post', '/session/second-factor/send', 'Send a login code by SMS, a call or mail', MethodSchema, 202,
     {'type': 'object'}),
    ('post', '/session/second-factor/options', 'WebAuthn request options to log in with a passkey (the challenge '
                                               'works once, for 5 minutes)', PasskeyMethodSchema, 200, PASSKEY_OPTIONS),
    ('post', '/me/phone/verify', 'Confirm a new mobile number with the code sent to it', TotpCodeSchema, 200,
     {'type': 'object'}),
    ('delete', '/session', 'Log out', None, 204, None),
    ('post', '/password/strength', 'How strong a password is, with hints', StrengthSchema, 200, {'type': 'object'}),
    ('post', '/password/forgot', 'Ask for a reset link (always 202)', ForgotSchema, 202, {'type': 'object'}),
    ('get', '/password/reset', 'What a reset link needs', None, 200, {'type': 'object'}),
    ('post', '/password/reset', 'Set a new password with a reset link', ResetSchema, 200, {'type': 'object'}),
    ('post', '/password/reset/send', 'Send the code for a reset link by SMS or a call', ResetSendSchema, 202,
     {'type': 'object'}),
    ('get', '/me', 'My profile', None, 200, {'type': 'object'}),
    ('post', '/me/terms', 'Accept the terms of use of `version` (needed after they changed: other calls answer 403 '
                          'terms_changed until then)', TermsSchema, 200, {'type': 'object'}),
    ('patch', '/me', 'Change my names, language or time zone', ProfileSchema, 200, {'type': 'object'}),
    ('delete', '/me', 'Delete my account (with my password)', DeleteSchema, 204, None),
    ('get', '/me/wellbeing', 'The strain questionnaire (EDIZ, 9 statements, answers 0–4) and my own history of it, '
                             'newest first (for me alone; 403 not_helping without a care page)', None, 200,
     {'type': 'object', 'required': ['questionnaire', 'due', 'items']}),
    ('post', '/me/wellbeing', 'Keep my answers: 201 with the score (0–9), its level (low, moderate, high) and whether '
                              'the page points to support', WellbeingSchema, 201,
     {'type': 'object', 'required': ['id', 'at', 'score', 'level', 'support']}),
    ('delete', '/me/wellbeing/{check_id}', 'Remove one of my lists', None, 204, None),
    ('get', '/me/notifications', 'How I hear of each kind of event: immediate, daily (a digest) or off', None, 200,
     NOTIFICATIONS),
    ('patch', '/me/notifications', 'Change how I hear of some kinds of event', NotificationSettingsSchema, 200,
     NOTIFICATIONS),
    ('get', '/me/sessions', 'Where I am logged in', None, 200, _list_of({'type': 'object'})),
    ('delete', '/me/sessions', 'Log out everywhere', None, 204, None),
    ('delete', '/me/sessions/{session_id}', 'Log out one session', None, 204, None),
    ('post', '/me/photo', 'Upload a profile photo (multipart field photo: JPEG or PNG, at most 5 MB)', None, 201,
     {'type': 'object'}),
    ('delete', '/me/photo', 'Remove my profile photo', None, 204, None),
    ('get', '/accounts/{account_id}/photo', 'A profile photo (people on a care page together)', None, 200, None),
    ('get', '/me/devices', 'My remembered browsers', None, 200, _list_of({'type': 'object'})),
    ('delete', '/me/devices/{device_id}', 'Forget a remembered browser', None, 204, None),
    ('post', '/me/password', 'Change my password', ChangePasswordSchema, 200, {'type': 'object'}),
    ('post', '/me/recovery-codes', 'Ten new single-use recovery codes for a lost phone (step-up; the account has a '
                                   'second factor, else 409): shown only now, the earlier ones stop working; log in '
                                   'with one as method `recovery`', None, 201,
     {'type': 'object', 'required': ['codes'], 'properties': {'codes': {
         'type': 'array', 'minItems': 10, 'maxItems': 10, 'items': {'type': 'string', 'pattern': '^[0-9A-Z]{5}-[0-9A-Z]{5}$'}}}}),
    ('get', '/me/recovery-codes', 'How many recovery codes are left', None, 200,
     {'type': 'object', 'required': ['remaining'], 'properties': {'remaining': {'type': 'integer', 'minimum': 0}}}),
    ('post', '/me/passkeys/options', 'WebAuthn creation options for a new passkey (step-up; for a first way a fresh '
                                     'password)', None, 200, PASSKEY_OPTIONS),
    ('post', '/me/passkeys', 'Keep a new passkey: the credential as PublicKeyCredential.toJSON() gives it, and a name '
                             '(400 invalid_passkey when it does not check out; a mail tells the owner)', PasskeySchema,
     201, PASSKEY),
    ('get', '/me/passkeys', 'My passkeys, the newest first', None, 200, _list_of(PASSKEY)),
    ('delete', '/me/passkeys/{passkey_id}', 'Remove a passkey (step-up)', None, 204, None),
    ('post', '/me/totp', 'Start enrolling an authenticator app', None, 201, {'type': 'object'}),
    ('post', '/me/totp/verify', 'Confirm the authenticator app with a code', TotpCodeSchema, 200,
     {'type': 'object'}),
    ('post', '/step-up', 'Ask for a step-up code', MethodSchema, 200, {'type': 'object'}),
    ('post', '/step-up/options', 'WebAuthn request options for the step-up with a passkey', PasskeyMethodSchema, 200,
     PASSKEY_OPTIONS),
    ('post', '/step-up/verify', 'Check a step-up code, or a passkey (method passkey with its credential)', CodeSchema,
     200, {'type': 'object'}),
    ('post', '/connections', 'Redeem a coupling code', RedeemSchema, 201, CIRCLE),
    ('get', '/circles', 'My care pages', None, 200, _list_of(CIRCLE)),
    ('get', '/circles/{circle_id}', 'One care page', None, 200, CIRCLE),
    ('get', '/circles/{circle_id}/members', 'Members of a care page', None, 200, _list_of({'type': 'object'})),
    ('patch', '/circles/{circle_id}/members/{member_id}', "Change a helper's role, permissions, last day (ends_on) "
                                                          'or basis (manager); change your own relation and phone '
                                                          '(settings.profile)',
     MemberChangeSchema, 200, {'type': 'object'}),
    ('delete', '/circles/{circle_id}/members/{member_id}', 'Remove a member, or leave', None, 204, None),
    ('get', '/circles/{circle_id}/help-requests', 'Help requests from today on, with who signed up (who sees the '
                                                  'calendar)', None, 200, _list_of({'type': 'object'})),
    ('post', '/circles/{circle_id}/help-requests', 'Ask for help (appointments.add)', HelpRequestSchema, 201,
     {'type': 'object', 'required': ['id', 'signups', 'open_places']}),
    ('delete', '/circles/{circle_id}/help-requests/{request_id}', 'Remove a help request (its author or the manager)',
     None, 204, None),
    ('post', '/circles/{circle_id}/help-requests/{request_id}/signup', 'Sign up to help (409 when the places are '
                                                                       'taken)', None, 200, {'type': 'object'}),
    ('delete', '/circles/{circle_id}/help-requests/{request_id}/signup', 'Withdraw from a help request', None, 200,
     {'type': 'object'}),
    ('post', '/circles/{circle_id}/invitations', 'Invite a helper (manager)', InvitationSchema, 201,
     {'type': 'object'}),
    ('get', '/invitations', 'Invitations to me', None, 200, _list_of({'type': 'object'})),
    ('post', '/invitations/{invitation_id}/accept', 'Accept an invitation', RespondSchema, 200, CIRCLE),
    ('post', '/invitations/{invitation_id}/decline', 'Decline an invitation', RespondSchema, 200, {'type': 'object'}),
    ('delete', '/circles/{circle_id}', 'Delete a care page (manager)', None, 204, None),
    ('get', '/circles/{circle_id}/dossiers', 'Dossiers linked to a care page', None, 200,
     _list_of({'type': 'object'})),
    ('delete', '/circles/{circle_id}/dossiers/{dossier_id}', 'Unlink a dossier (manager)', None, 204, None),
    ('get', '/circles/{circle_id}/invitations', 'Open invitations of a care page (manager)', None, 200,
     _list_of({'type': 'object'})),
    ('post', '/circles/{circle_id}/invitations/{invitation_id}/resend', 'Send an invitation again (manager)', None,
     200, {'type': 'object'}),
    ('delete', '/circles/{circle_id}/invitations/{invitation_id}', 'Withdraw an invitation (manager)', None, 204,
     None),
    ('get', '/circles/{circle_id}/timeline', 'Reports, plan cards and questionnaires, newest first (step-up); '
                                             '`kind` one of them; `new` marks what came after the previous visit',
     None, 200, TIMELINE),
    ('get', '/circles/{circle_id}/read', "The dossier by category ('Lezen'): goals, notes sent to the provider, "
                                         'questionnaires by title, agreements (actions of current plans), conditions '
                                         '(step-up)', None, 200,
     {'type': 'object', 'required': ['goals', 'notes', 'questionnaires', 'agreements', 'conditions']}),
    ('get', '/circles/{circle_id}/reports/{record_id}', 'One report, with the ids of the report before it '
                                                        '(`previous`, older) and after it (`next`; step-up)', None,
     200, {'type': 'object', 'required': ['id', 'kind', 'data', 'previous', 'next']}),
    ('put', '/circles/{circle_id}/records/{record_id}/hidden-from/{member_id}',
     'Hide a record (a report, plan, measurement series, questionnaire, document) from one member (manager)', None,
     204, None),
    ('delete', '/circles/{circle_id}/records/{record_id}/hidden-from/{member_id}',
     'Show a hidden record to the member again (manager)', None, 204, None),
    ('get', '/circles/{circle_id}/medication', 'The medication list: the provider\'s entries and the members\' own '
                                               '(source provider|member, status current|stopped; step-up)', None, 200,
     _list_of({'type': 'object', 'required': ['id', 'source', 'name', 'status']})),
    ('post', '/circles/{circle_id}/medication', 'Add medication of one\'s own (over the counter, a supplement)',
     MedicationSchema, 201, {'type': 'object', 'required': ['id', 'source', 'name', 'status']}),
    ('delete', '/circles/{circle_id}/medication/{entry_id}', 'Remove an entry one added oneself (or the manager)',
     None, 204, None),
    ('get', '/circles/{circle_id}/documents', "The documents: the providers' (source provider, fetched when opened) "
                                              'and what members uploaded (source member; step-up)', None, 200,
     _list_of({'type': 'object', 'required': ['id', 'source', 'title', 'kind']})),
    ('post', '/circles/{circle_id}/documents', 'Upload a document (multipart: file, title?): a PDF, JPEG or PNG '
                                               '(checked by its content, at most 20 MB; 422 content_mismatch), or a '
                                               'FHIR R4 Bundle (JSON) whose resources are mapped into the care page '
                                               '(422 not_fhir)', None, 201,
     {'type': 'object', 'required': ['id', 'source', 'title', 'kind']}),
    ('get', '/circles/{circle_id}/documents/{document_id}', 'Open a document: the file itself (audited; a '
                                                            "provider's is fetched from the provider now)", None, 200,
     None),
    ('delete', '/circles/{circle_id}/documents/{document_id}', 'Remove an upload (its uploader or the manager); a '
                                                               "Bundle's records go with it", None, 204, None),
    ('get', '/circles/{circle_id}/corrections', 'Requests to correct the dossier, newest first, with status sent, '
                                                'received, accepted, declined or failed and the answer (manager, '
                                                'step-up)', None, 200,
     _list_of({'type': 'object', 'required': ['id', 'record_id', 'about', 'text', 'status']})),
    ('post', '/circles/{circle_id}/corrections', 'Ask the care provider to correct an item of the dossier (manager, '
                                                 'step-up): 202, the request', CorrectionSchema, 202,
     {'type': 'object', 'required': ['id', 'record_id', 'about', 'text', 'status']}),
    ('post', '/circles/{circle_id}/shares', 'Share parts of the dossier once with someone outside the care page '
                                            '(manager, step-up): the link, the code and a SMART Health Link',
     OutsiderShareSchema, 201, {'type': 'object', 'required': ['id', 'url', 'code', 'expires_at', 'shlink']}),
    ('get', '/circles/{circle_id}/shares', 'The shares of a care page with their status (manager)', None, 200,
     _list_of({'type': 'object'})),
    ('delete', '/circles/{circle_id}/shares/{share_id}', 'Stop a share: its link answers 410 (manager)', None, 204,
     None),
    ('get', '/circles/{circle_id}/messages', 'My threads, the newest message first, each with its unread count',
     None, 200, _list_of(THREAD)),
    ('post', '/circles/{circle_id}/messages', 'Begin a thread: `{subject?, text, audience}` (all, trust, or provider '
                                              'and the trust group; to the provider through the outbox) or '
                                              '`{subject?, text, recipients: [member ids]}`',
     MessageSchema, 201, THREAD_WITH_MESSAGES),
    ('get', '/circles/{circle_id}/messages/{thread_id}', 'A thread with its messages in order (marks it read)', None,
     200, THREAD_WITH_MESSAGES),
    ('post', '/circles/{circle_id}/messages/{thread_id}/replies', 'Reply in a thread', ReplySchema, 201, MESSAGE),
    ('delete', '/circles/{circle_id}/messages/{thread_id}', "Remove a thread from the caller's list only", None, 204,
     None),
    ('get', '/circles/{circle_id}/data', "The client's data in the sections this member may see: client, "
                                         'gp_pharmacy, insurances, contact_persons, care_team (step-up)', None, 200,
     DATA),
    ('post', '/circles/{circle_id}/contact-persons', 'Ask the care provider to add a contact person (manager, '
                                                     'step-up): 202, the request', ContactPersonSchema, 202,
     CONTACT_REQUEST),
    ('patch', '/circles/{circle_id}/contact-persons/{record_id}', "Ask the care provider to change a contact "
                                                                  "person's details (settings.contacts_edit, step-up)",
     ContactChangeSchema, 202, CONTACT_REQUEST),
    ('get', '/circles/{circle_id}/contact-persons/requests', 'Requests to add or change contact persons, newest '
                                                             'first, each sent or received (data.contacts, step-up)',
     None, 200, _list_of(CONTACT_REQUEST)),
    ('get', '/circles/{circle_id}/measurements', 'Measurement series per code, oldest first, of the last `days` '
                                                 '(default 365; step-up)', None, 200, _list_of({'type': 'object'})),
    ('get', '/circles/{circle_id}/export', 'Blue Button download (step-up): `from` and `to` months (YYYY-MM), '
                                           '`format` fhir (a FHIR R4 Bundle, the default) or html (a readable page)',
     None, 200, {'type': 'object'}),
    ('get', '/circles/{circle_id}/access-log', 'Who read or did what with the dossier data, newest first (manager)',
     None, 200, _list_of({'type': 'object'})),
    ('get', '/circles/{circle_id}/appointments', 'The calendar from `from` to `to` (ISO date-times with a zone; '
                                                 'default the next 60 days): occurrences of helpers\' appointments '
                                                 '(each names its `appointment_id`; public, or private to their '
                                                 'author) and care appointments from the dossier',
     None, 200, _list_of({'type': 'object'})),
    ('post', '/circles/{circle_id}/appointments', 'Add an appointment: `{title, starts_at, ends_at?}` or `{title, '
                                                  'all_day: true, date}`, with `description`, `location`, '
                                                  '`visibility`, `repeat: {freq, interval?, until? | count?}`',
     AppointmentSchema, 201, APPOINTMENT),
    ('patch', '/circles/{circle_id}/appointments/{entry_id}', 'Change an appointment (its author, or the manager); '
                                                              '`?occurrence=YYYY-MM-DD` changes that time of a '
                                                              'series only (it becomes an appointment of its own)',
     AppointmentChangeSchema, 200, APPOINTMENT),
    ('delete', '/circles/{circle_id}/appointments/{entry_id}', 'Remove an appointment (its author, or the manager); '
                                                               '`?occurrence=YYYY-MM-DD` removes that time only',
     None, 204, None),
    ('post', '/circles/{circle_id}/calendar-feed', 'A secret iCal address of this calendar (a new one replaces the '
                                                   'old one)', None, 201,
     {'type': 'object', 'required': ['url'], 'properties': {'url': {'type': 'string'}}}),
    ('delete', '/circles/{circle_id}/calendar-feed', 'Stop the iCal address (it then answers 404)', None, 204, None),
    ('get', '/circles/{circle_id}/notes', 'The notes of the care page, the last changed first', None, 200,
     _list_of({'type': 'object'})),
    ('post', '/circles/{circle_id}/notes', 'Write a note (every member reads it)', NoteSchema, 201,
     {'type': 'object'}),
    ('patch', '/circles/{circle_id}/notes/{note_id}', 'Change your own note, as it was at `version` (409 '
                                                      'version_conflict with the current note when it changed)',
     NoteChangeSchema, 200, {'type': 'object'}),
    ('delete', '/circles/{circle_id}/notes/{note_id}', 'Delete a note (its author, or the manager)', None, 204,
     None),
    ('post', '/circles/{circle_id}/notes/{note_id}/share', 'Send a note to the care provider (manager)',
     ShareSchema, 200, {'type': 'object'}),
    ('get', '/circles/{circle_id}/board', 'The board, newest first: posts with `photo`, their newest reactions '
                                          '(oldest of them first) and `reactions_count`', None, 200,
     _list_of(BOARD_POST)),
    ('post', '/circles/{circle_id}/board', 'Post on the board (data.board_post): JSON `{text}`, or a multipart form '
                                           'with `text` and a `photo` (JPEG or PNG, at most 5 MB)', BoardSchema, 201,
     BOARD_POST),
    ('get', '/circles/{circle_id}/board/{post_id}/photo', "A post's photo (image/jpeg)", None, 200, None),
    ('get', '/circles/{circle_id}/board/{post_id}/reactions', 'All reactions of a post, newest first, by page',
     None, 200, _list_of({'type': 'object'})),
    ('post', '/circles/{circle_id}/board/{post_id}/reactions', 'React to a post (data.board_react)', BoardSchema,
     201, {'type': 'object'}),
    ('delete', '/circles/{circle_id}/board/{post_id}', 'Delete a post (your own, or with data.board_delete)', None,
     204, None),
    ('delete', '/circles/{circle_id}/board/{post_id}/reactions/{reaction_id}', 'Delete a reaction (your own, or '
                                                                                'with data.board_delete)', None,
     204, None),
    ('get', '/circles/{circle_id}/plans', 'Care plans with their version and approval state (step-up)', None, 200,
     _list_of(PLAN)),
    ('get', '/circles/{circle_id}/plans/{plan_id}', 'One care plan with its goals and actions (step-up)', None, 200,
     PLAN),
    ('post', '/circles/{circle_id}/plans/{plan_id}/approve', 'Approve the version you read, with `agree: true` '
                                                             '(manager, second-factor code in the last 5 minutes); '
                                                             '409 when it changed or was decided',
     ApproveSchema, 201, {'type': 'object'}),
    ('post', '/circles/{circle_id}/plans/{plan_id}/decline', 'Say you do not agree with the version you read, with a '
                                                             'comment for the provider (manager, second-factor code '
                                                             'in the last 5 minutes)',
     DeclineSchema, 200, {'type': 'object', 'required': ['id', 'version', 'comment']}),
]


CODE = {'type': 'object', 'properties': {
    'id': {'type': 'string', 'format': 'uuid'}, 'client_id': {'type': 'string'}, 'code': {'type': 'string'},
    'state': {'enum': ['issued', 'redeemed', 'revoked', 'expired']}, 'transfer': {'type': 'boolean'},
    'expires_at': {'type': 'string', 'format': 'date-time'}}}

#: the provider API: OAuth 2 client credentials, then a bearer token with a scope
#: a delivered item keeps no content: its kind, client id and resource are null from then on
OUTBOX_ITEM = {'type': 'object', 'required': ['id', 'created_at', 'kind', 'client_id', 'resource', 'status'],
               'properties': {
    'id': {'type': 'string'}, 'created_at': {'type': 'string', 'format': 'date-time'},
    'kind': {'enum': [*OUTBOUND, None]}, 'client_id': {'type': ['string', 'null']},
    'resource': {'type': ['object', 'null']}, 'status': {'type': 'string', 'enum': ['pending', 'delivered']}}}

PROVIDER_ROUTES = [
    ('post', '/oauth/token', 'Get an access token (client credentials, HTTP Basic; form fields grant_type and '
                             'scope)', None, 200, TOKEN),
    ('post', '/coupling-codes', 'Issue a coupling code for a client (scope codes)', IssueSchema, 201, CODE),
    ('get', '/coupling-codes', 'The codes this provider issued, with their state (scope codes)', None, 200,
     _list_of(CODE)),
    ('post', '/coupling-codes/{code_id}/revoke', 'Revoke a code that is still valid (scope codes)', None, 200, CODE),
    ('post', '/dossiers/{client_id}/records', "Push records in the adapter's format, e.g. a FHIR Bundle (scope "
                                             'records); each refused record is listed, the rest is taken', None, 200,
     {'type': 'object'}),
    ('delete', '/dossiers/{client_id}/link', "Unlink a client's dossier from its care page (scope codes)", None,
     204, None),
    ('post', '/webhooks/{provider}', 'A change notification from the provider system, signed with the shared secret '
                                     '(for Nedap Ons: HMAC-SHA512 of the body in X-Signature-SHA512). No bearer token; '
                                     '401 when the signature is wrong. {provider} is the id `carehub provider list` '
                                     'shows.', None, 200, {'type': 'object', 'properties': {
                                         'received': {'type': 'integer'}}}),
    ('get', '/outbox', 'Messages, plan approvals and notes for this provider that are not yet delivered, oldest first '
                       '(scope outbox); each carries its resource in the adapter format', None, 200,
     _list_of(OUTBOX_ITEM)),
    ('post', '/outbox/{item_id}/ack', 'Acknowledge an item once it is stored (scope outbox); again: no change', None,
     200, OUTBOX_ITEM),
]


@cache
def document():
    """Return the OpenAPI document of /api/v1 (made once: it follows from the code alone)."""
    return _document(ROUTES, '/api/v1', 'carehub API',
                     'The JSON API for apps. It uses the session cookie of the pages; every unsafe call sends the '
                     'CSRF token from GET /csrf in X-CSRF-Token.', csrf=True)


@cache
def provider_document():
    """Return the OpenAPI document of /provider/v1 (made once)."""
    doc = _document(PROVIDER_ROUTES, '/provider/v1', 'carehub provider API',
                    'For care provider systems. Get a token at /oauth/token with the client credentials from '
                    '`carehub provider credentials`, then send Authorization: Bearer <token>.', csrf=False)
    doc.setdefault('components', {})['securitySchemes'] = {'oauth2': {'type': 'oauth2', 'flows': {'clientCredentials': {
        'tokenUrl': '/provider/v1/oauth/token', 'scopes': {'codes': 'coupling codes', 'records': 'push records',
                                                           'outbox': 'read the outbox'}}}}}
    return doc


def _field_rules(self, field, **kwargs):
    """Say what our own fields take (apispec knows marshmallow's validators, not these fields' rules): a Text's
    lengths and characters, the years of a day or a moment."""
    if isinstance(field, Text):
        return {'minLength': field.min_length, 'maxLength': field.max_length,
                'pattern': text_pattern(field.multiline, empty=field.min_length == 0)}
    if isinstance(field, (Day, Moment)):
        return {'pattern': YEARS}
    return {}


class _Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, with the rules a schema states besides its fields (``json_rules``: which fields
    go together, what a field holds beyond its type)."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        definition = super().schema_helper(name, _, schema=schema, **kwargs)
        rules = getattr(schema if isinstance(schema, type) else type(schema), 'json_rules', None)
        if definition is None or not rules:
            return definition
        properties = {**definition.get('properties', {})}
        for key, extra in rules.get('properties', {}).items():
            properties[key] = {**properties.get(key, {}), **extra}
        return {**definition, **{k: v for k, v in rules.items() if k != 'properties'}, 'properties': properties}


def _document(routes, prefix, title, description, csrf):
    """Build a document with apispec from the schemas the routes load, so a route is documented as it reads."""
    plugin = _Plugin()
    spec = APISpec(title=title, version='1', openapi_version='3.1.0', plugins=[plugin],
                   info={'description': description}, servers=[{'url': prefix}])
    plugin.converter.add_attribute_function(_field_rules)
    paths = {}
    for method, path, summary, request_schema, status, body in routes:
        error = OAUTH_ERROR if path == '/oauth/token' else ERROR
        content = ANSWERS.get((method, path)) or ({'application/json': {'schema': body}} if body else None)
        operation = {'summary': summary, 'responses': {
            str(status): {'description': 'OK', **({'content': content} if content else {})},
            'default': {'description': 'An error', 'content': {'application/json': {'schema': error}}}}}
        if path == '/oauth/token':  # its errors are RFC 6749's; being too fast is answered as everywhere else
            operation['responses']['429'] = {'description': 'Too many tries: wait as Retry-After says',
                                             'content': {'application/json': {'schema': ERROR}}}
            operation['requestBody'] = {'required': True, 'content': {
                'application/x-www-form-urlencoded': {'schema': TOKEN_REQUEST}}}
        parameters = [{'name': part[1:-1], 'in': 'path', 'required': True, 'schema': {'type': 'string'}}
                      for part in path.split('/') if part.startswith('{')]
        parameters += QUERY.get((method, path), [])
        if parameters:
            operation['parameters'] = parameters
        if request_schema is not None:
            operation['requestBody'] = {'required': request_schema is not RespondSchema,  # the token is optional
                                        'content': {'application/json': {'schema': request_schema}}}
        if (method, path) in BODIES:
            operation['requestBody'] = BODIES[(method, path)]
        if csrf and method != 'get':
            operation.setdefault('parameters', []).append(
                {'name': 'X-CSRF-Token', 'in': 'header', 'required': True, 'schema': {'type': 'string'}})
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def init_app(app):
    """Serve both documents (registered by create_app: the documents know every package, web knows none)."""
    app.add_url_rule('/api/v1/openapi.json', 'openapi', document)
    app.add_url_rule('/provider/v1/openapi.json', 'provider_openapi', provider_document)
