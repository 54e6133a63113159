"""The FHIR API of a care page, as an app reads it for a member: exactly what that member may read (their rights,
the items hidden from them), written from the common model by the export's code (hub.dossier.export), each
resource valid FHIR R4 by construction. The care page is the "patient"; every read is a dossier read in the
access log, by the member, through the app."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import partial

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from hub.apps import scopes
from hub.apps.access import RULES
from hub.apps.models import AppGrant
from hub.apps.oauth import fhir_base
from hub.careprovider.models import Record
from hub.circle.access import READ_DOSSIER, can, reads
from hub.circle.dossiers import client_name, linked_dossier_ids, records_of
from hub.circle.models import Member
from hub.core.audit import audit, last_step
from hub.core.cursor import after_cursor, encode_cursor
from hub.core.errors import Forbidden, InvalidInput, NotFound
from hub.core.timeutil import utcnow
from hub.dossier.documents import open_document
from hub.dossier.export import fhir_resource
from hub.extensions import db

#: a search's page: by default, and at most
PAGE, MOST = 50, 100
#: the kinds of the common model each type is written from, each with the member's rule for it
KINDS = {
    'Observation': {'report': lambda member: reads(member, 'reports'),
                    'measurement': lambda member: can(member, READ_DOSSIER)},
    'CarePlan': {'plan': RULES['CarePlan']},
    'Goal': {'goal': RULES['Goal']},
    'MedicationStatement': {'medication': RULES['MedicationStatement']},
    'Appointment': {'appointment': RULES['Appointment']},
    'Condition': {'condition': RULES['Condition']},
    'DocumentReference': {'document': RULES['DocumentReference']},
}
#: the search parameters each type answers (beyond patient, _count, _cursor and _lastUpdated)
PARAMETERS = {'Observation': ('date', 'code', 'category'), 'Appointment': ('date',), 'CarePlan': (), 'Goal': (),
              'MedicationStatement': (), 'Condition': (), 'DocumentReference': ()}
#: Observation's categories: the FHIR one of measurements, and carehub's of reports
VITAL_SIGNS = 'vital-signs'
REPORT = 'report'
_DATE = re.compile(r'^(eq|ne|gt|lt|ge|le)?(\d{4}(-\d{2}(-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?)$')


def reader(grant: AppGrant, scope: str, kind: str, permission: str) -> Member:
    """The rule of every read by an app: its scopes must give ``permission`` (r, s) on ``kind``, and the member it
    reads for must be allowed to read it on the care page (else 403). Returns that member."""
    member = grant.member
    if not scopes.permits(scope, kind, permission):
        raise Forbidden(_l('This token does not allow this.'), code='insufficient_scope')
    if not RULES[kind](member):
        raise Forbidden(_l('You do not have permission for this on this care page.'))
    return member


def _audit(member: Member, grant: AppGrant, kind: str) -> None:
    """One record per dossier of the care page (NEN 7513): the member read it, the app was the means."""
    last_step(partial(setattr, grant, 'last_used_at', utcnow()))  # a read writes last (hub.core.audit)
    target = f'app:{grant.app.client_id}:{kind}:{grant.app.name[:60]}'
    for dossier_id in linked_dossier_ids(member.circle_id) or [None]:
        audit('dossier.app_read', 'R', actor=member.account_id, role=member.role, circle=member.circle_id,
              dossier=dossier_id, target=target, basis=member.basis)


def patient(grant: AppGrant, scope: str, patient_id: str) -> dict:
    """The care page as a Patient: its client's name, and with ``data.client`` what the dossier says of them."""
    member = reader(grant, scope, 'Patient', 'r')
    if patient_id != str(member.circle_id):
        raise NotFound(_l('There is no such resource, or this app may not read it.'))
    _audit(member, grant, 'Patient')
    return _patient(member)


def _patient(member: Member) -> dict:
    resource = {'resourceType': 'Patient', 'id': str(member.circle_id)}
    if can(member, 'data.client'):
        rows = db.session.execute(records_of(member, member.circle_id, ('demographics',))
                                  .order_by(Record.created_at).limit(1)).all()
        if rows:
            resource = {**fhir_resource(rows[0].Record, member.circle_id, made=True), 'id': str(member.circle_id)}
    name = client_name(member.circle)
    if name and 'name' not in resource:
        resource['name'] = [{'text': name}]
    return resource


def read(grant: AppGrant, scope: str, kind: str, resource_id: str) -> dict:
    """One resource of the care page by its id (a record's id), or NotFound."""
    member = reader(grant, scope, kind, 'r')
    kinds = _kinds(member, kind)
    try:
        record_id = uuid.UUID(resource_id)
    except ValueError:
        raise NotFound(_l('There is no such resource, or this app may not read it.')) from None
    row = db.session.execute(records_of(member, member.circle_id, kinds).where(Record.id == record_id)).first()
    if row is None:
        raise NotFound(_l('There is no such resource, or this app may not read it.'))
    _audit(member, grant, kind)
    return resource(row.Record, member.circle_id)


def _kinds(member: Member, kind: str) -> tuple[str, ...]:
    kinds = tuple(each for each, rule in KINDS[kind].items() if rule(member))
    if not kinds:
        raise Forbidden(_l('You do not have permission for this on this care page.'))
    return kinds


def resource(record: Record, circle_id) -> dict:
    """A record as this API gives it: made from the common model, its id the record's, its patient the care page,
    when it changed last."""
    made = fhir_resource(record, circle_id, made=True)
    made['id'] = str(record.id)
    made['meta'] = {'lastUpdated': record.updated_at.astimezone(UTC).isoformat().replace('+00:00', 'Z')}
    if record.kind == 'measurement':
        made['category'] = [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/observation-category',
                                         'code': VITAL_SIGNS}]}]
    elif record.kind == 'document':  # the file through this API, never the provider's own address
        made['content'][0]['attachment']['url'] = f'{fhir_base()}/Binary/{record.id}'
    elif record.kind == 'report':
        made['category'] = [{'coding': [{'system': 'https://carehub.nl/fhir/CodeSystem/observation-category',
                                         'code': REPORT}]}]
    return made


def binary(grant: AppGrant, scope: str, document_id: str) -> tuple[str, bytes]:
    """(content type, bytes) of a document a DocumentReference names: fetched as the member would open it."""
    member = reader(grant, scope, 'DocumentReference', 'r')
    try:
        record_id = uuid.UUID(document_id)
    except ValueError:
        raise NotFound(_l('There is no such resource, or this app may not read it.')) from None
    if db.session.execute(records_of(member, member.circle_id, ('document',)).where(Record.id == record_id)
                          ).first() is None:  # an upload or another page's: not through an app
        raise NotFound(_l('There is no such resource, or this app may not read it.'))
    content_type, data, _ = open_document(member, record_id)
    _audit(member, grant, 'DocumentReference')
    return content_type, data


def search(grant: AppGrant, scope: str, kind: str, params: dict) -> tuple[list[dict], str | None]:
    """(the resources of one page, the cursor of the next page or None): the care page's ``kind`` the member may
    read, filtered by ``params`` (patient, date, code, category, _lastUpdated, _count, _cursor), newest first."""
    member = reader(grant, scope, kind, 's')
    known = {'patient', '_count', '_cursor', '_lastUpdated', *PARAMETERS[kind]}
    unknown = sorted(set(params) - known)
    if unknown:
        raise InvalidInput(_l('This search parameter is not supported: %(name)s.', name=unknown[0]),
                           code='unknown_parameter')
    if params.get('patient') not in (None, str(member.circle_id), f'Patient/{member.circle_id}'):
        _audit(member, grant, kind)
        return [], None  # another care page: nothing of it is here
    count = params.get('_count', str(PAGE))
    if not count.isdigit() or not 1 <= int(count) <= MOST:
        raise InvalidInput(_l('Give _count as a number from 1 to %(most)d.', most=MOST), code='invalid_count')
    limit = int(count)
    kinds = _kinds(member, kind)
    query = records_of(member, member.circle_id, kinds)
    if 'category' in params:
        wanted = params['category'].split('|')[-1]
        kinds = tuple(each for each in kinds if wanted == {'measurement': VITAL_SIGNS, 'report': REPORT}.get(each))
        query = query.where(Record.kind.in_(kinds))
    if 'code' in params:
        query = query.where(or_(*[_code(value) for value in params['code'].split(',')]))
    if 'date' in params:
        query = query.where(_compare(Record.occurred_at, params['date']))
    if '_lastUpdated' in params:
        query = query.where(_compare(Record.updated_at, params['_lastUpdated']))
    query = after_cursor(query, Record.created_at, Record.id, params.get('_cursor'))
    rows = db.session.execute(query.order_by(Record.created_at.desc(), Record.id.desc()).limit(limit + 1)).all()
    _audit(member, grant, kind)
    last = rows[limit - 1].Record if len(rows) > limit else None
    return ([resource(row.Record, member.circle_id) for row in rows[:limit]],
            encode_cursor(last.created_at, last.id) if last else None)


def _code(value: str):
    """A token search on the code: ``system|code`` or ``code`` (a measurement's coding)."""
    system, _, code = value.rpartition('|')
    condition = Record.data['code']['code'].as_string() == code
    return and_(condition, Record.data['code']['system'].as_string() == system) if system else condition


def _compare(column, value: str):
    """A FHIR date search (``ge2026-01-01``, ``2026-03``...) on a timestamp column, in UTC."""
    match = _DATE.match(value or '')
    if not match:
        raise InvalidInput(_l('Give a date as FHIR does, for example ge2026-01-01.'), code='invalid_date')
    prefix, moment = match.group(1) or 'eq', match.group(2)
    start, end = _period(moment)
    return {'eq': and_(column >= start, column < end), 'ne': or_(column < start, column >= end),
            'gt': column >= end, 'ge': column >= start, 'lt': column < start, 'le': column < end}[prefix]


def _period(moment: str) -> tuple[datetime, datetime]:
    """The period a FHIR date stands for: a year, a month, a day, or one moment."""
    try:
        if len(moment) == 4:
            return datetime(int(moment), 1, 1, tzinfo=UTC), datetime(int(moment) + 1, 1, 1, tzinfo=UTC)
        if len(moment) == 7:
            year, month = int(moment[:4]), int(moment[5:7])
            return (datetime(year, month, 1, tzinfo=UTC),
                    datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC))
        if len(moment) == 10:
            start = datetime.fromisoformat(moment).replace(tzinfo=UTC)
            return start, start + timedelta(days=1)
        start = datetime.fromisoformat(moment.replace('Z', '+00:00'))
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        return start, start + timedelta(seconds=1)
    except ValueError:
        raise InvalidInput(_l('Give a date as FHIR does, for example ge2026-01-01.'), code='invalid_date') from None
