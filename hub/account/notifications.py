"""What a person is told by mail, per kind of event: at once, in a daily digest, or not at all.

Mails never carry medical content or the text of a message: only that there is something new, on which care
page, and a link. Every mail about an event carries a one-click unsubscribe for its kind (RFC 8058
``List-Unsubscribe`` and ``List-Unsubscribe-Post``) with a signed token; a digest's turns the digest off.
"""

import posixpath
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import delete, or_, select

from hub.account.models import Account, NotificationItem
from hub.account.operations import link, uuid_in_link
from hub.config import setting
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.outbox import queue_mail
from hub.core.timeutil import utcnow
from hub.core.tokens import InvalidToken, make_token, read_token
from hub.extensions import db

#: kind of event -> how a person reads it in their settings
EVENTS = {
    'message': _l('A new message'),
    'report': _l('New reports in the dossier'),
    'appointment': _l('A new or changed appointment'),
    'plan': _l('A care plan waits for your approval'),
    'invitation': _l('An invitation to a care page'),
    'member': _l('Someone new on a care page'),
    'sync': _l('A care provider cannot be reached (for the manager)'),
    'help': _l('Someone asks for help'),
    'wellbeing': _l('Once a month: how are you doing?'),
    'answer': _l('The care provider answered your request'),
}
MODES = ('immediate', 'daily', 'off')
DEFAULTS = {'message': 'immediate', 'report': 'daily', 'appointment': 'daily', 'plan': 'immediate',
            'invitation': 'immediate', 'member': 'daily', 'sync': 'immediate', 'help': 'immediate',
            'wellbeing': 'immediate', 'answer': 'immediate'}
#: the unsubscribe of a digest: all the daily kinds off
DIGEST = 'daily'


def settings_of(account) -> dict:
    """Each kind of event and how the person wants to hear of it."""
    chosen = account.notifications or {}
    return {event: chosen.get(event, DEFAULTS[event]) for event in EVENTS}


def change_settings(account, changes: dict) -> dict:
    """Set how the person hears of some kinds of event (the others stay); unknown kinds or modes are refused."""
    problems = {event: [_l('This kind of event is not known.')] for event in changes if event not in EVENTS}
    problems.update({event: [_l('Choose immediate, daily or off.')] for event, mode in changes.items()
                     if event in EVENTS and mode not in MODES})
    if problems:
        raise InvalidInput(_l('Choose immediate, daily or off for each kind of event.'), fields=problems)
    account.notifications = {**settings_of(account), **changes}
    audit('account.notifications', 'U', actor=account, target=f'account:{account.id}')
    return settings_of(account)


def unsubscribe_token(account, event) -> str:
    return make_token('unsubscribe', {'a': str(account.id), 'e': event})


def unsubscribe_link(account, event) -> str:
    return link(f'/unsubscribe/{unsubscribe_token(account, event)}')


def read_unsubscribe(token):
    """(account, kind of event or the digest) an unsubscribe token names, or raise InvalidToken."""
    payload = read_token('unsubscribe', token)
    account = db.session.get(Account, uuid_in_link(payload.get('a')))
    event = payload.get('e')
    if account is None or (event not in EVENTS and event != DIGEST):
        raise InvalidToken(_l('This link is not valid.'))
    return account, event


def unsubscribe(token):
    """Turn off what the token names (a kind of event, or the digest); return (account, event). Idempotent."""
    account, event = read_unsubscribe(token)
    current = settings_of(account)
    if event == DIGEST:
        account.notifications = {**current, **{e: 'off' for e, mode in current.items() if mode == 'daily'}}
    else:
        account.notifications = {**current, event: 'off'}
    audit('account.unsubscribe', 'U', actor=account, target=f'notifications:{event}')
    return account, event


def notify(account, event, template, path, circle_id=None, **context) -> str:
    """Tell ``account`` of an event as they chose: a mail now (with its unsubscribe), an item of tomorrow's digest,
    or nothing. ``path`` is where the link leads; return the mode used."""
    mode = settings_of(account)[event]
    if mode == 'immediate':
        unsubscribe_url = unsubscribe_link(account, event)
        queue_mail(account.email, template, account.language, account=account, link=link(path),
                   unsubscribe=unsubscribe_url, headers=_list_headers(unsubscribe_url), **context)
    elif mode == 'daily':
        db.session.add(NotificationItem(account_id=account.id, event=event, circle_id=circle_id, path=path,
                                        page=context.get('page') or ''))
    return mode


def _list_headers(url) -> dict:
    return {'List-Unsubscribe': f'<{url}>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'}


def digest_label(event, count) -> str:
    """How a digest names ``count`` events of a kind ("3 new messages")."""
    labels = {
        'message': lambda n: ngettext('%(num)d new message', '%(num)d new messages', n),
        'report': lambda n: ngettext('new reports (%(num)d time)', 'new reports (%(num)d times)', n),
        'appointment': lambda n: ngettext('%(num)d new or changed appointment',
                                          '%(num)d new or changed appointments', n),
        'plan': lambda n: ngettext('%(num)d care plan waits for your approval',
                                   '%(num)d care plans wait for your approval', n),
        'invitation': lambda n: ngettext('%(num)d invitation', '%(num)d invitations', n),
        'member': lambda n: ngettext('%(num)d new member', '%(num)d new members', n),
        'sync': lambda n: ngettext('a care provider cannot be reached', 'care providers cannot be reached', n),
        'help': lambda n: ngettext('%(num)d new request for help', '%(num)d new requests for help', n),
        'wellbeing': lambda n: _l('the monthly question how you are doing'),
        'answer': lambda n: ngettext('%(num)d answer from the care provider', '%(num)d answers from the care provider',
                                     n),
    }
    return labels[event](count)


def digest_moment(now, zone_name) -> datetime:
    """When today's digest is due for a person in ``zone_name`` (DIGEST_HOUR there), in UTC."""
    local = now.astimezone(ZoneInfo(zone_name))
    return datetime.combine(local.date(), time(setting('DIGEST_HOUR')), tzinfo=local.tzinfo).astimezone(now.tzinfo)


def _local_day(moment, zone_name):
    return moment.astimezone(ZoneInfo(zone_name)).date() if moment else None


def digest_lines(items, wanted, names=None) -> list[dict]:
    """One line per care page and kind of event, in the order they came: how many, the page's name now (``names``;
    else the newest an item knew: one from before the first sync knows none), and a link to what they share (the
    messages, not one thread)."""
    names, groups = dict(names or {}), {}
    for item in items:
        if item.page and item.circle_id not in names:
            names[item.circle_id] = item.page
        if wanted.get(item.event) == 'daily':
            groups.setdefault((item.circle_id, item.event), []).append(item.path)
    lines = []
    for (circle_id, event), paths in groups.items():
        path = paths[0] if len(set(paths)) == 1 else posixpath.commonpath([p.split('?')[0] for p in paths])
        lines.append({'page': names.get(circle_id), 'event': event, 'count': len(paths), 'link': link(path)})
    return lines


def send_digests(now=None, limit=500, page_names=None) -> int:
    """Send each person whose digest hour has come their one mail of what gathered since the last; return how many.
    What gathered for a kind they have since turned off is dropped. ``page_names`` gives the care pages' names now
    (circle ids -> names; the circle package knows them)."""
    now = now or utcnow()
    waiting = select(NotificationItem.account_id).distinct().scalar_subquery()
    accounts = db.session.execute(select(Account).where(
        Account.id.in_(waiting), or_(Account.digest_sent_at.is_(None),
                                     Account.digest_sent_at < now - timedelta(hours=20))).limit(limit)).scalars().all()
    sent = 0
    for account in accounts:
        due = digest_moment(now, account.timezone)
        if now < due or (account.digest_sent_at is not None and account.digest_sent_at >= due):
            continue
        items = db.session.execute(select(NotificationItem).where(NotificationItem.account_id == account.id)
                                   .order_by(NotificationItem.created_at)).scalars().all()
        circles = {item.circle_id for item in items if item.circle_id}
        lines = digest_lines(items, settings_of(account), page_names(circles) if page_names and circles else None)
        if lines:
            unsubscribe_url = unsubscribe_link(account, DIGEST)
            queue_mail(account.email, 'digest', account.language, account=account, lines=lines,
                       since=_local_day(account.digest_sent_at, account.timezone), unsubscribe=unsubscribe_url, headers=_list_headers(unsubscribe_url),
                       settings=link('/profile#notifications'), digest_label=digest_label)
            sent += 1
        db.session.execute(delete(NotificationItem).where(NotificationItem.id.in_([i.id for i in items])))
        account.digest_sent_at = now
    return sent
