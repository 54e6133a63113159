"""The access log ("Wie keek in het dossier"): who read or did what with the dossier data of a care page."""


from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from hub.account.models import Account
from hub.careprovider.models import Dossier, Provider
from hub.circle.access import MANAGE, check
from hub.circle.models import Member
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.models import AuditRecord
from hub.core.timeutil import zone
from hub.extensions import db

#: the events the access log shows (reads of dossier data and what was done with it), as the manager reads them
ACCESS_LABELS = {
    'dossier.overview': _l('Opened the care page with the latest reports'),
    'dossier.timeline': _l('Read the reports'),
    'dossier.plans': _l('Looked at the care plans'),
    'dossier.plan': _l('Read a care plan'),
    'dossier.contacts': _l('Looked at the contact persons in the dossier'),
    'dossier.messages': _l('Read messages from the care provider'),
    'dossier.plan_approve': _l('Approved a care plan'),
    'dossier.plan_decline': _l('Did not agree with a care plan'),
    'dossier.export': _l('Downloaded the dossier'),
    'dossier.measurements': _l('Looked at the measurements'),
    'dossier.appointments': _l('Looked at the care appointments'),
    'dossier.data': _l("Looked at the client's data"),
    'dossier.medication': _l('Looked at the medication list'),
    'dossier.share': _l('Shared part of the dossier with someone outside the care page'),
    'dossier.share_open': _l('Someone outside the care page opened a shared link'),
    'dossier.share_revoke': _l('Stopped a shared link'),
    'dossier.app_read': _l('Read the dossier with an app'),
}
ACCESS_EVENTS = tuple(ACCESS_LABELS)
ACCESS_PAGE = 50


def app_name(event: str, target: str | None) -> str | None:
    """The app's name in a read by an app (its target: ``app:<client id>:<type>:<name>``), else None."""
    if event != 'dossier.app_read' or not target:
        return None
    parts = target.split(':', 3)
    return parts[3] if len(parts) == 4 else None


def who(event: str, target: str | None, name: str | None, first_name: str | None) -> str | None:
    """Who read, as the access log says it: the person, or for a read through an app "App Dagplanner, namens
    Mieke" (NEN 7513: the person is the actor, the app the means)."""
    app = app_name(event, target)
    if app and first_name:
        return str(_l('App %(app)s, on behalf of %(name)s', app=app, name=first_name))
    return name


def _access_records(circle_id, *columns):
    """The query of a care page's access log, newest first: ``columns`` of each record, its actor and dossier."""
    return (select(*columns, Provider.name.label('provider'))
            .outerjoin(Account, Account.id == AuditRecord.actor_id)
            .outerjoin(Dossier, Dossier.id == AuditRecord.dossier_id)
            .outerjoin(Provider, Provider.id == Dossier.provider_id)
            .where(AuditRecord.circle_id == circle_id, AuditRecord.event.in_(ACCESS_EVENTS),
                   AuditRecord.outcome != 'not_found')  # a stranger's try is for the auditor, not the manager
            .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()))


def access_log(manager: Member, cursor=None, limit=ACCESS_PAGE, leave_out=None):
    """Return (rows of (AuditRecord, Account or None, provider name), next cursor): who read or did what on the
    manager's care page; without the reads of the account ``leave_out`` (the manager's own clicks, unless asked)."""
    check(manager, MANAGE)
    circle_id = manager.circle_id
    query = after_cursor(_access_records(circle_id, AuditRecord, Account), AuditRecord.at, AuditRecord.id, cursor)
    if leave_out is not None:
        query = query.where(or_(AuditRecord.actor_id.is_(None), AuditRecord.actor_id != leave_out,
                                AuditRecord.action != 'R'))  # one's own approvals and changes stay
    rows = db.session.execute(query.limit(limit + 1)).all()
    last = rows[limit - 1].AuditRecord if len(rows) > limit else None
    return rows[:limit], encode_cursor(last.at, last.id) if last else None


def per_person_per_day(rows) -> list[tuple]:
    """Fold the access log's rows: one line per person, day, event, outcome and dossier, with how many times (the
    rows come newest first; a page read ten times in a morning is one line, "10 keer")."""
    folded = []
    for row in rows:
        record = row.AuditRecord
        key = (record.actor_id, record.actor_role, record.at.astimezone(zone()).date(), record.event, record.outcome,
               row.provider)
        if folded and folded[-1][0] == key:
            folded[-1][2] += 1
        else:
            folded.append([key, row, 1])
    return [(row, count) for _, row, count in folded]


def access_log_all(circle_id, chunk=1000):
    """Yield every row of the access log as plain values, newest first, read in chunks (the CSV download; plain
    values, so that the rows need no session while the answer streams)."""
    query = _access_records(circle_id, AuditRecord.at, AuditRecord.id, AuditRecord.event, AuditRecord.outcome,
                            AuditRecord.actor_role, AuditRecord.source, AuditRecord.target, Account.first_name,
                            Account.last_name).limit(chunk)
    cursor = None
    while True:
        rows = db.session.execute(after_cursor(query, AuditRecord.at, AuditRecord.id, cursor)).all()
        db.session.rollback()  # a long download holds no transaction open between chunks
        yield from rows
        if len(rows) < chunk:
            return
        cursor = encode_cursor(rows[-1].at, rows[-1].id)
