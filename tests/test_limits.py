"""Limits against floods and guessing: registration per IP, wrong coupling codes per account, audited refusals."""

from sqlalchemy import select


def test_registration_is_limited_per_address(app, api, db):
    from hub.account.models import Account
    app.config['CAREHUB']['REGISTER_RATE_LIMIT'] = '3 per minute'
    try:
        codes = [api.post('/api/v1/accounts', {'email': f'f{n}@example.nl', 'first_name': 'F', 'last_name': 'L',
                                               'accept_terms': True}).status_code for n in range(5)]
    finally:
        app.config['CAREHUB']['REGISTER_RATE_LIMIT'] = '1000 per minute'
    assert codes == [202, 202, 202, 429, 429]
    assert db.count(Account) == 3


def test_five_wrong_coupling_codes_a_day_then_even_the_right_one_waits(register, provider, coupling_code, db):
    from hub.core.models import AuditRecord
    name = provider()
    good = coupling_code(name, 'client-1')
    account = register('g@example.nl')
    for n in range(5):
        response = account.post('/api/v1/connections', {'code': f'ABCD-EFGH-JK{n:02d}'})
        assert response.status_code == 400
    response = account.post('/api/v1/connections', {'code': good})
    assert response.status_code == 429 and response.get_json()['error']['code'] == 'too_many_codes'
    refusals = db.scalars(select(AuditRecord).where(AuditRecord.event == 'coupling.redeem'))
    assert len(refusals) == 5 and {r.outcome for r in refusals} == {'invalid_code'}
    other = register('o@example.nl')
    assert other.post('/api/v1/connections', {'code': good}).status_code == 201  # per account, not per code


def test_refused_dossier_reads_are_in_the_audit_log(register, provider, coupling_code, db):
    from hub.core.models import AuditRecord
    manager = register('m@example.nl')
    circle = manager.post('/api/v1/connections', {'code': coupling_code(provider(), 'c')}).get_json()
    outsider = register('x@example.nl')
    assert outsider.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 404
    assert manager.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 200
    reads = db.scalars(select(AuditRecord).where(AuditRecord.event == 'dossier.timeline').order_by(AuditRecord.at))
    assert [r.outcome for r in reads] == ['not_found', 'success']
    assert str(reads[0].circle_id) == circle['id'] and reads[1].actor_role == 'manager'
    assert all(r.source for r in reads)
