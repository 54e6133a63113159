"""The access log: a record per dossier read, its download for the manager, its retention, and that it stays."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text, update

from hub.cli import cli
from hub.core.timeutil import utcnow
from tests.fill import add_member


def test_each_read_names_the_dossiers_it_read_and_on_whose_behalf(care_page, db):
    from hub.core.models import AuditRecord
    manager, circle_id, dossier_ids, _ = care_page
    assert manager.get(f'/api/v1/circles/{circle_id}/timeline').status_code == 200
    reads = db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.timeline'))
    assert sorted(str(r.dossier_id) for r in reads) == sorted(str(d) for d in dossier_ids)  # both providers' dossiers
    items = manager.get(f'/api/v1/circles/{circle_id}/access-log').get_json()['items']
    timeline = [item for item in items if item['event'] == 'dossier.timeline']
    assert sorted(item['dossier']['provider'] for item in timeline) == ['Zorggroep Test', 'Zorggroep Twee']
    assert {item['on_behalf_of'] for item in timeline} == {None}  # the page has no name, the dossiers no client yet
    page = manager.get(f'/circles/{circle_id}/access-log?mine=1').get_data(as_text=True)  # the manager's own reads
    assert 'Zorggroep Twee' in page and 'access-log.csv' in page


def test_the_manager_downloads_the_whole_log_as_csv_and_nobody_else_can(care_page, register, db):
    from hub.core.models import AuditRecord
    manager, circle_id, _, manager_id = care_page
    now = utcnow()
    db.execute(insert(AuditRecord).values([
        {'id': uuid.uuid4(), 'at': now - timedelta(minutes=n), 'event': 'dossier.plans', 'action': 'R',
         'outcome': 'success', 'actor_id': manager_id, 'actor_role': 'manager', 'circle_id': circle_id,
         'source': '=HYPERLINK("x")' if n == 0 else '127.0.0.1'} for n in range(1201)]))
    response = manager.get(f'/circles/{circle_id}/access-log.csv')
    assert response.status_code == 200 and response.headers['Content-Type'] == 'text/csv; charset=utf-8'  # once
    assert 'attachment; filename="wie-keek-in-het-dossier-' in response.headers['Content-Disposition']
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=';'))
    assert rows[0][:4] == ['Wanneer', 'Wie', 'Rol', 'Wat'] and len(rows) == 1 + 1201  # every record, in chunks
    assert rows[1][3] == 'Zorgplannen bekeken' and rows[1][7] == '\'=HYPERLINK("x")'  # never a formula
    assert db.scalars(select(AuditRecord.target).where(AuditRecord.target == 'access-log:csv')) == ['access-log:csv']
    helper = register('bas@example.nl')
    assert helper.get(f'/circles/{circle_id}/access-log.csv').status_code == 404  # not a member
    for role in ('trust', 'basic'):  # members who are not the manager: refused
        member, _ = add_member(register, db, circle_id, f'{role}@example.nl', role)
        assert member.get(f'/circles/{circle_id}/access-log.csv').status_code == 403
        assert member.get(f'/circles/{circle_id}/access-log').status_code == 403
        assert member.get(f'/api/v1/circles/{circle_id}/access-log').status_code == 403
    from hub.account.models import AuthSession
    db.execute(update(AuthSession).values(second_factor_at=now - timedelta(hours=2)))
    stale = manager.get(f'/circles/{circle_id}/access-log.csv')  # who looked: no medical data, no step-up
    assert stale.status_code == 200 and stale.mimetype == 'text/csv'
    assert manager.get(f'/circles/{uuid.uuid4()}/access-log.csv').status_code == 404


def test_the_retention_purge_is_the_only_way_to_remove_audit_records(app, db):
    from hub.core.models import AuditRecord
    now = utcnow()
    db.execute(insert(AuditRecord).values([
        {'id': uuid.uuid4(), 'at': now - timedelta(days=days), 'event': 'dossier.plans', 'action': 'R',
         'outcome': 'success'} for days in (1, 365, 5 * 365 + 10, 7 * 365)]))
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ['audit', 'purge', '--dry-run'])
    assert result.exit_code == 0 and '2 audit records are older than' in result.output
    assert db.count(AuditRecord) == 4
    from hub.extensions import db as sa_db
    with app.app_context():
        dialect = sa_db.engine.dialect.name
    if dialect == 'postgresql':  # the database itself refuses: not even the application's own role may
        from sqlalchemy.exc import DBAPIError
        for statement in ('DELETE FROM audit_records', "UPDATE audit_records SET event = 'x'"):
            with pytest.raises(DBAPIError, match='audit records are kept as written'):
                db.execute(text(statement))
    result = runner.invoke(cli, ['audit', 'purge'])
    assert result.exit_code == 0 and 'Removed 2 audit records' in result.output, result.output
    ages = sorted((now - r.at).days for r in db.scalars(select(AuditRecord).where(AuditRecord.event != 'audit.purge')))
    assert ages == [1, 365]
    [purge] = db.scalars(select(AuditRecord).where(AuditRecord.event == 'audit.purge'))
    assert purge.target.endswith('count:2')
