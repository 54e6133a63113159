"""Reading the dossier: the timeline, by category, a report, the client's data, measurements, the download, the access log, and hiding a record from a member."""

from flask_babel import lazy_gettext as _l

from hub.account.access import current_account
from hub.circle.access import MANAGE, read_dossier, require
from hub.circle.dossiers import client_name
from hub.core.audit import audit
from hub.core.errors import InvalidInput
from hub.core.schemas import CursorSchema, page_of
from hub.dossier import (
    accesses,
    data,
    hiding,
    measurements,
    operations,
    timeline,
)
from hub.dossier.access import read_data
from hub.dossier.answer_schemas import (
    AccessSchema,
    DataSchema,
    ExportQuerySchema,
    MeasurementsQuerySchema,
    ReadSchema,
    ReportSchema,
    SeriesSchema,
    TimelineQuerySchema,
    TimelineSchema,
)
from hub.dossier.api.base import bp
from hub.dossier.download import download, download_detail
from hub.web import parse_id


@bp.get('/circles/<circle_id>/timeline', endpoint='timeline')
@bp.arguments(TimelineQuerySchema, location='query')
@bp.response(200, TimelineSchema)
def get_timeline(query, circle_id):
    """Reports, plan cards and questionnaires, newest first (step-up)

    ``kind``: one of them. Each item says whether it came in after the member's previous visit (``new``); the first
    page begins a visit.
    """
    member = read_dossier(current_account(), circle_id, 'timeline')
    read = timeline.read_timeline(member, query.get('cursor'), query.get('kind'))
    return {'items': [{**timeline.record_json(row), 'new': timeline.is_new(row, read.last_visit)}
                      for row in read.rows], 'next': read.next_cursor,
            'last_visit': read.last_visit.isoformat() if read.last_visit else None, 'new_count': read.new_count}


@bp.get('/circles/<circle_id>/read')
@bp.response(200, ReadSchema)
def reading(circle_id):
    """The dossier by category ('Lezen'): goals, notes sent to the provider, questionnaires by title, agreements
    (actions of current plans), conditions (step-up)"""
    member = read_dossier(current_account(), circle_id, 'read')
    read = operations.read_by_category(member)
    return {'goals': [timeline.record_json(row) for row in read.goals],
            'notes': [timeline.record_json(row) for row in read.notes],
            'questionnaires': [{'title': title, 'count': len(rows), 'latest': timeline.record_json(rows[0])}
                               for title, rows in read.questionnaires],
            'agreements': [{**activity, 'plan_id': str(row.Record.id), 'plan_title': row.Record.data.get('title')}
                           for row, activity in read.agreements],
            'conditions': [timeline.record_json(row) for row in read.conditions]}


@bp.get('/circles/<circle_id>/reports/<record_id>')
@bp.response(200, ReportSchema)
def report(circle_id, record_id):
    """One report, with the ids of the report before it (`previous`, older) and after it (`next`; step-up)"""
    record_id = parse_id(record_id)  # first: only an id goes into the audit record
    member = read_dossier(current_account(), circle_id, 'report', record_id)
    read = operations.read_report(member, record_id)
    return {**timeline.record_json(read.row), 'previous': str(read.previous_id) if read.previous_id else None,
            'next': str(read.next_id) if read.next_id else None}


@bp.put('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
@bp.response(204)
def hide_record(circle_id, record_id, member_id):
    """Hide a record (a report, plan, measurement series, questionnaire, document) from one member (manager)

    A measurement hides its whole series: it is gone for them everywhere.
    """
    manager = require(current_account(), circle_id, MANAGE)
    hiding.hide(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.delete('/circles/<circle_id>/records/<record_id>/hidden-from/<member_id>')
@bp.response(204)
def show_record(circle_id, record_id, member_id):
    """Show a hidden record to the member again (manager)"""
    manager = require(current_account(), circle_id, MANAGE)
    hiding.show(manager, current_account(), parse_id(record_id), parse_id(member_id))
    return '', 204


@bp.get('/circles/<circle_id>/data')
@bp.response(200, DataSchema)
def data_sections(circle_id):
    """The client's data in the sections this member may see: client, gp_pharmacy, insurances, contact_persons,
    care_team (step-up)"""
    member, shown = read_data(current_account(), circle_id)
    found = data.sections(member, shown) if shown else {}
    return {'sections': {name: [data.item_json(row) for row in rows] for name, rows in found.items()}}


@bp.get('/circles/<circle_id>/access-log')
@bp.arguments(CursorSchema, location='query')
@bp.response(200, page_of(AccessSchema))
def access_log(query, circle_id):
    """Who read or did what with the dossier data, newest first (manager)"""
    account = current_account()
    member = require(account, circle_id, MANAGE)
    rows, next_cursor = accesses.access_log(member, query.get('cursor'))
    audit('circle.access_log', 'R', actor=account, role=member.role, circle=member.circle_id, target='access-log')
    client = client_name(member.circle)  # the client on whose behalf each member reads
    return {'items': [{'id': row.AuditRecord.id, 'at': row.AuditRecord.at, 'event': row.AuditRecord.event,
                       'action': row.AuditRecord.action, 'outcome': row.AuditRecord.outcome,
                       'role': row.AuditRecord.actor_role, 'who': accesses.who(row.AuditRecord.event, row.AuditRecord.target, row.Account.name,
                                          row.Account.first_name) if row.Account else None,
                       'on_behalf_of': client, 'source': row.AuditRecord.source,
                       'dossier': {'id': row.AuditRecord.dossier_id, 'provider': row.provider}
                       if row.AuditRecord.dossier_id else None} for row in rows], 'next': next_cursor}


@bp.get('/circles/<circle_id>/measurements', endpoint='measurements')
@bp.arguments(MeasurementsQuerySchema, location='query')
@bp.response(200, page_of(SeriesSchema))
def get_measurements(query, circle_id):
    """Measurement series per code (weight, blood pressure, ...), oldest first, of the last `days` (default 365;
    step-up)"""
    member = read_dossier(current_account(), circle_id, 'measurements')
    days = query.get('days', str(measurements.MEASUREMENT_DAYS))
    if len(days) > 4 or not days.isdigit() or not 1 <= int(days) <= 3650:
        raise InvalidInput(_l('Give days as a number from 1 to 3650.'), code='invalid_days')
    series = measurements.measurements(member, int(days))
    return {'items': [{'series': name, 'unit': measurements.unit_of(rows[-1].Record),
                       'code': rows[-1].Record.data.get('code'),
                       'points': [{'id': str(row.Record.id), 'at': row.Record.occurred_at.isoformat(),
                                   **measurements.point_values(row.Record)} for row in rows]}
                      for name, rows in series.items()]}


@bp.get('/circles/<circle_id>/export')
@bp.arguments(ExportQuerySchema, location='query')
@bp.doc(responses={'200': {'description': 'The download', 'content': {
    'application/fhir+json': {'schema': {'type': 'object'}}, 'text/html': {'schema': {'type': 'string'}}}}})
def export(query, circle_id):
    """Blue Button download (step-up): `from` and `to` months (YYYY-MM), `format` fhir (a FHIR R4 Bundle, the
    default) or html (a readable page)"""
    member = read_dossier(current_account(), circle_id, 'export', download_detail(query))
    return download(member, query)
