"""What the worker tells members about their dossier: plans awaiting approval, new reports, syncs in trouble,
messages from the provider."""

from urllib.parse import urlencode

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from hub.account import notifications
from hub.careprovider.models import Dossier, Record
from hub.circle.access import can, current_members
from hub.circle.dossiers import client_name
from hub.circle.messages import file_provider_messages, notify
from hub.circle.models import CircleDossier, Member
from hub.config import setting
from hub.core.audit import audit
from hub.core.timeutil import utcnow
from hub.dossier.models import RecordNotice
from hub.dossier.plans import approval_state, approvals, sign_off_token
from hub.extensions import db


def unnoticed(kind, limit=200):
    """Return (Record, circle id, Dossier) rows of ``kind`` whose content no care page was told about yet, and mark
    them told (RecordNotice), whatever is done with them."""
    rows = db.session.execute(
        select(Record, CircleDossier.circle_id, Dossier).join(Dossier, Record.dossier_id == Dossier.id)
        .join(CircleDossier, CircleDossier.dossier_id == Dossier.id)
        .outerjoin(RecordNotice, and_(RecordNotice.record_id == Record.id,
                                      RecordNotice.circle_id == CircleDossier.circle_id,
                                      RecordNotice.content_hash == Record.content_hash))
        .where(Record.kind == kind, Record.deleted.is_(False), RecordNotice.id.is_(None),
               Dossier.uploaded_by.is_(None))  # what a member uploaded is no news from the provider
        .limit(limit)).all()
    for record, circle_id, _ in rows:
        db.session.add(RecordNotice(record_id=record.id, circle_id=circle_id, content_hash=record.content_hash))
    return rows


def notify_plans_awaiting_approval(limit=200) -> int:
    """Mail the manager of each care page when one of its plans comes to wait for approval; return how many."""
    sent = 0
    for record, circle_id, dossier in unnoticed('plan', limit):
        if record.data.get('approval') != 'awaiting_signature':
            continue
        if approval_state(record, approvals(circle_id, [record.id]).get(record.id)) == 'approved':
            continue
        manager = db.session.execute(select(Member).where(
            Member.circle_id == circle_id, Member.role == 'manager')).scalar_one_or_none()
        if manager is None:
            continue
        token = sign_off_token(record, manager.account_id)
        notifications.notify(manager.account, 'plan', 'plan_awaiting_approval',  # no plan content
                             f'/circles/{circle_id}/plans/{record.id}?{urlencode({"sign": token})}', circle_id,
                             provider=dossier.provider.name, days=setting('SIGN_OFF_LINK_MAX_AGE') // 86400,
                             page=client_name(manager.circle) or '')
        audit('dossier.plan_notice', 'C', actor=None, circle=circle_id, dossier=dossier.id,
              target=f'record:{record.id}')
        sent += 1
    db.session.flush()
    return sent


def notify_new_reports(limit=500) -> int:
    """Tell the members who read the dossier that new reports came in (once per care page a round); return how
    many members were told. The mail says only that there is something new."""
    told = 0
    for circle_id in {circle_id for _, circle_id, _ in unnoticed('report', limit)}:
        readers = db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                     .where(Member.circle_id == circle_id, current_members())).scalars().all()
        for reader in readers:
            if can(reader, 'dossier'):
                notifications.notify(reader.account, 'report', 'new_report', f'/circles/{circle_id}/timeline',
                                     circle_id, page=client_name(reader.circle) or '')
                told += 1
    db.session.flush()
    return told


#: a dossier whose syncs failed this many times in a row is trouble the manager hears of
SYNC_TROUBLE_FAILURES = 3


def notify_sync_trouble() -> int:
    """Tell the manager of a care page once when a linked dossier keeps failing to sync (and again after it
    recovered and failed anew); return how many were told."""
    told = 0
    for link_row in db.session.execute(select(CircleDossier).options(joinedload(CircleDossier.dossier))
                                       .join(Dossier, CircleDossier.dossier_id == Dossier.id)
                                       .where(or_(and_(Dossier.failures >= SYNC_TROUBLE_FAILURES,
                                                       CircleDossier.trouble_told_at.is_(None)),
                                                  and_(Dossier.failures == 0,
                                                       CircleDossier.trouble_told_at.is_not(None))))).scalars():
        if link_row.dossier.failures == 0:
            link_row.trouble_told_at = None  # it works again: a new run of failures is told again
            continue
        manager = db.session.execute(select(Member).options(joinedload(Member.account), joinedload(Member.circle))
                                     .where(Member.circle_id == link_row.circle_id, Member.role == 'manager')
                                     ).scalar_one_or_none()
        link_row.trouble_told_at = utcnow()
        if manager is not None:
            notifications.notify(manager.account, 'sync', 'sync_trouble', f'/circles/{link_row.circle_id}/members',
                                 link_row.circle_id, provider=link_row.dossier.provider.name,
                                 page=client_name(manager.circle) or '')
            told += 1
    db.session.flush()
    return told


def notify_provider_messages(limit=200):
    """Tell the readers of provider messages that the provider wrote (a mail, as for members' messages)."""
    for circle_id in {circle_id for _, circle_id, _ in unnoticed('message', limit)}:
        file_provider_messages(circle_id)  # into their threads, so the mail's link shows them
        notify(circle_id)
    db.session.flush()
