"""The outbox: mails, SMS and provider items are queued in the transaction, then delivered."""

import email.policy
import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from hub.config import setting
from hub.core.background import soon
from hub.core.backoff import backoff
from hub.core.models import OutboxItem
from hub.core.timeutil import utcnow
from hub.extensions import db

log = logging.getLogger(__name__)

#: channel -> function(payload) that delivers one item or raises
TRANSPORTS: dict[str, Callable[[dict], object]] = {}


def transport(channel):
    """Register the delivery function of a channel."""
    def register(func):
        TRANSPORTS[channel] = func
        return func
    return register


def queue(channel, payload, provider_id=None):
    """Add an item for ``channel`` to the current transaction."""
    item = OutboxItem(channel=channel, payload=payload, provider_id=provider_id)
    db.session.add(item)
    db.session.flush()
    if channel in TRANSPORTS:
        soon('carehub.deliver_outbox')
    return item


def queue_mail(to, template, language, headers=None, **context):
    """Render ``mail/<template>.txt`` in ``language`` and queue it for ``to`` (with extra ``headers``, such as
    List-Unsubscribe).

    The template's first line is the subject.
    """
    with force_locale(language or setting('DEFAULT_LANGUAGE')):
        subject, _, body = render_template(f'mail/{template}.txt', **context).partition('\n')
    mail = {'to': to, 'subject': subject.strip(), 'body': body.strip() + '\n'}
    if headers:
        mail['headers'] = dict(headers)
    item = queue('mail', mail)
    item.payload = {**item.payload, 'message_id': message_id(item.id)}
    return item


def message_id(item_id) -> str:
    """The Message-ID of a mail: the same at every attempt, so a receiver can drop a mail that came twice (a worker
    that died after the server took the mail and before it marked it sent delivers it again)."""
    return f'<{item_id}@{urlsplit(setting("BASE_URL")).hostname or "carehub.localhost"}>'


def due_items(limit=50):
    """Return pending items whose time has come, locked so other workers skip them."""
    query = (select(OutboxItem)  # channels without a transport wait to be fetched (provider_api)
             .where(OutboxItem.status == 'pending', OutboxItem.next_attempt_at <= utcnow(),
                    OutboxItem.channel.in_(sorted(TRANSPORTS)))
             .order_by(OutboxItem.next_attempt_at).limit(limit))
    if db.engine.dialect.name == 'postgresql':
        query = query.with_for_update(skip_locked=True)
    return db.session.execute(query).scalars().all()


def deliver(item):
    """Try to deliver one item; on failure schedule a retry or give up after the last one."""
    item.attempts += 1
    try:
        TRANSPORTS[item.channel](item.payload)
    except Exception as exc:  # any transport failure is retried later; the type is logged, not the data
        item.last_error = type(exc).__name__
        if item.attempts >= setting('OUTBOX_MAX_ATTEMPTS'):
            item.status = 'failed'
            log.error('outbox item %s failed for good after %d attempts (%s)', item.id, item.attempts,
                      item.last_error)
        else:
            item.next_attempt_at = utcnow() + backoff(item.attempts, first=timedelta(minutes=2), jitter=0.25)
            log.warning('outbox item %s failed (%s), retrying later', item.id, item.last_error)
        return False
    mark_delivered(item)
    return True


def mark_delivered(item):
    """Record an item as delivered (sent, or acknowledged by the provider system that fetched it)."""
    item.status = 'sent'
    item.sent_at = utcnow()
    item.last_error = None
    item.payload = {}  # delivered: the addresses, names and texts need not be kept


#: headers are not folded below RFC 5322's hard limit: folding a long unbreakable value (List-Unsubscribe's
#: <https://...>) turns it into RFC 2047 encoded words, which RFC 2369 forbids and mail programs then ignore
MAIL_POLICY = email.policy.default.clone(max_line_length=998)


def _email_message(payload):
    message = EmailMessage(policy=MAIL_POLICY)
    message['From'] = setting('MAIL_FROM')
    message['To'] = payload['to']
    message['Subject'] = payload['subject']
    message['Message-ID'] = payload.get('message_id') or make_msgid(domain='carehub.localhost')
    for name, value in (payload.get('headers') or {}).items():
        message[name] = value
    message.set_content(payload['body'])
    return message


@transport('mail')
def send_mail(payload):
    """Send a mail over SMTP, or write it as an .eml file when no SMTP server is configured."""
    message = _email_message(payload)
    url = setting('SMTP_URL')
    if not url:
        folder = Path(setting('INSTANCE_PATH')) / 'mail'
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{message['Message-ID'].strip('<>').split('@')[0]}.eml"
        (folder / name).write_bytes(bytes(message))
        return
    parts = urlsplit(url)
    smtp_class = smtplib.SMTP_SSL if parts.scheme == 'smtps' else smtplib.SMTP
    with smtp_class(parts.hostname, parts.port or (465 if parts.scheme == 'smtps' else 25), timeout=30) as smtp:
        if parts.scheme == 'smtp+starttls':
            smtp.starttls()
        if parts.username:
            smtp.login(parts.username, parts.password or '')
        smtp.send_message(message)


@transport('sms')
def send_sms(payload):
    """Send a code by SMS or a call through the HTTP gateway, or write it to a file without one."""
    url = setting('SMS_URL')
    if not url:
        folder = Path(setting('INSTANCE_PATH')) / 'sms'
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{utcnow():%Y%m%dT%H%M%S%f}.txt").write_text(
            f"to: {payload['to']}\nchannel: {payload['channel']}\n\n{payload['message']}\n")
        return
    response = requests.post(url, json=payload, timeout=15)
    response.raise_for_status()
