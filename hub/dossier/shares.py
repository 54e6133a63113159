"""One-time shares of a part of the dossier with someone without an account (a new GP, a hospital).

The manager chooses the parts; what they hold is fixed at that moment and kept encrypted. The outsider gets a link
and, separately, a 6-digit code; the link works for at most 7 days and a set number of opens, five wrong codes lock
it, the manager can revoke it. Every open is audited with the role ``outsider``. The same data is offered as a
SMART Health Link (spec: https://docs.smarthealthit.org/smart-health-links/): a ``shlink:/`` payload with the
manifest address and a key, the file encrypted as a compact JWE (``dir``, ``A256GCM``) with that key, which carehub
does not keep.
"""

import base64
import json
import os
import secrets
from datetime import datetime, timedelta
from types import SimpleNamespace

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from hub.account.operations import link
from hub.careprovider.models import Record
from hub.circle.access import MANAGE, check
from hub.circle.dossiers import client_name, records_of, source_name
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.crypto import decrypt, encrypt, keyed_hash
from hub.core.errors import AppError, NotFound
from hub.core.text import has_lone_surrogate
from hub.core.timeutil import as_utc, utcnow
from hub.dossier import export
from hub.dossier.models import OwnMedication, Share
from hub.dossier.plans import plans
from hub.extensions import db

#: part -> (the kinds it holds, how many days back; None: all that is current)
PARTS = {
    'measurements': (('measurement',), 90),
    'medication': (('medication',), None),
    'plan': (('plan',), None),
    'reports': (('report',), 90),
}
PART_LABELS = {'measurements': _l('Measurements of the last 3 months'), 'medication': _l('The medication list'),
               'plan': _l('The latest care plan'), 'reports': _l('Reports of the last 3 months')}
MAX_FAILURES = 5


class Gone(AppError):
    """The link no longer works: revoked, expired, opened as often as allowed, or locked after wrong codes."""

    status = 410
    code = 'share_gone'


def _rows(manager: Member, parts):
    """The rows (Record, Dossier) a share holds, with the provider's own FHIR: the client, then each part chosen."""
    now = utcnow()

    def read(kinds, *where):
        query = records_of(manager, manager.circle_id, kinds).options(undefer(Record.raw)).where(*where)
        return db.session.execute(query.order_by(Record.occurred_at)).all()
    rows = read(('demographics',))
    for part in parts:
        kinds, days = PARTS[part]
        if part == 'plan':  # the plan the page shows first (the client plan, newest), with its goals
            current = plans(manager)
            if current:
                latest = current[0]
                goals = latest.Record.data.get('goal_ids') or []
                rows += read(('plan',), Record.id == latest.Record.id)
                rows += read(('goal',), Record.dossier_id == latest.Dossier.id, Record.source_id.in_(goals))
            continue
        rows += read(kinds, Record.occurred_at >= now - timedelta(days=days)) if days else read(kinds)
        if part == 'medication':
            rows += _own_medication(manager.circle_id, rows)
    return rows


def _own_medication(circle_id, rows) -> list:
    """What members put on the medication list themselves, as rows like the provider's: marked as theirs on the page,
    and in the Bundle a MedicationStatement whose information source is that member."""
    client_id = next((row.Dossier.client_id for row in rows), 'client')
    today = utcnow().date()
    found = []
    for entry in db.session.execute(select(OwnMedication).options(joinedload(OwnMedication.author))
                                    .where(OwnMedication.circle_id == circle_id).order_by(OwnMedication.name)).scalars():
        data = {'name': entry.name, 'dose': entry.dose, 'source': 'use',
                'starts_on': entry.starts_on.isoformat() if entry.starts_on else None,
                'ends_on': entry.ends_on.isoformat() if entry.ends_on else None,
                'stopped': bool(entry.ends_on and entry.ends_on < today)}
        added_by = str(source_name(SimpleNamespace(uploaded_by=entry.author_id, uploader=entry.author)))
        statement = export.fhir_resource(SimpleNamespace(  # as the download writes an entry, told by that member
            raw=None, data={**data, 'prescriber': added_by}, source_id=f'carehub-own-{entry.id}', kind='medication'),
            client_id)
        found.append(SimpleNamespace(
            Record=SimpleNamespace(kind='medication', source_id=statement['id'], code=None, occurred_at=None,
                                   raw=statement, data=data),
            Dossier=SimpleNamespace(id=None, client_id=client_id, uploaded_by=entry.author_id, uploader=entry.author,
                                    provider=SimpleNamespace(name='carehub'))))
    return found


def _plain(row) -> dict:
    """One row as the share keeps it (enough to show it again, and its FHIR resource)."""
    record = row.Record
    return {'kind': record.kind, 'data': record.data, 'code': record.code, 'provider': str(source_name(row.Dossier)),
            'occurred_at': record.occurred_at.isoformat() if record.occurred_at else None}


def shown_rows(share) -> list:
    """The rows of a share as the readable page (dossier/_export_items.html) reads them."""
    rows = []
    for item in json.loads(decrypt(share.content))['rows']:
        record = SimpleNamespace(kind=item['kind'], data=item['data'], code=item['code'],
                                 occurred_at=as_utc(datetime.fromisoformat(item['occurred_at']))
                                 if item['occurred_at'] else None)
        rows.append(SimpleNamespace(Record=record, Dossier=SimpleNamespace(provider=SimpleNamespace(
            name=item['provider']))))
    return rows


def bundle_of(share) -> dict:
    """The FHIR Bundle of a share."""
    return json.loads(decrypt(share.content))['bundle']


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def jwe(plain: bytes, key: bytes, content_type='application/fhir+json') -> str:
    """A compact JWE with ``alg: dir``, ``enc: A256GCM``, as SMART Health Links encrypt their files."""
    header = _b64(json.dumps({'alg': 'dir', 'enc': 'A256GCM', 'cty': content_type},
                             separators=(',', ':')).encode())
    iv = os.urandom(12)
    sealed = AESGCM(key).encrypt(iv, plain, header.encode('ascii'))
    return '.'.join((header, '', _b64(iv), _b64(sealed[:-16]), _b64(sealed[-16:])))


class Made(SimpleNamespace):
    """A share just made: the row, and what is given out once (the link, the code, the SMART Health Link)."""


def make(manager: Member, account, parts, days, max_opens) -> Made:
    """Make a share of ``parts`` for ``days`` (1..7) and ``max_opens`` opens; the code and links are shown once."""
    check(manager, MANAGE)
    parts = sorted(set(parts), key=list(PARTS).index)  # each once, in one order
    rows = _rows(manager, parts)
    token, code, key = secrets.token_urlsafe(32), f'{secrets.randbelow(10 ** 6):06d}', os.urandom(32)
    bundle = export.bundle(rows)
    share = Share(circle_id=manager.circle_id, created_by=account.id, token_hash=keyed_hash(token, 'share-link'),
                  code_hash=keyed_hash(code, 'share-code'), parts=list(parts),
                  expires_at=utcnow() + timedelta(days=days), max_opens=max_opens,
                  content=encrypt(json.dumps({'rows': [_plain(row) for row in rows], 'bundle': bundle})),
                  shl_file=jwe(json.dumps(bundle).encode(), key))
    db.session.add(share)
    db.session.flush()
    audit('dossier.share', 'E', actor=account, role='manager', circle=manager.circle_id, target=f'share:{share.id}')
    label = str(_l('Data of %(name)s from carehub', name=client_name(manager.circle) or ''))[:80]
    payload = {'url': link(f'/s/{token}/manifest'), 'key': _b64(key), 'flag': 'P', 'label': label,
               'exp': int(share.expires_at.timestamp())}
    return Made(share=share, url=link(f'/s/{token}'), code=code,
                shlink='shlink:/' + _b64(json.dumps(payload, separators=(',', ':')).encode()))


def status(share, now=None) -> str:
    """``active``, ``revoked``, ``expired``, ``used`` (opened as often as allowed) or ``locked`` (wrong codes)."""
    now = now or utcnow()
    if share.revoked_at:
        return 'revoked'
    if share.failures >= MAX_FAILURES:
        return 'locked'
    if as_utc(share.expires_at) <= now:
        return 'expired'
    if share.opens >= share.max_opens:
        return 'used'
    return 'active'


def shares_of(manager: Member) -> list:
    """The shares of the manager's care page, newest first."""
    check(manager, MANAGE)
    return db.session.execute(select(Share).where(Share.circle_id == manager.circle_id)
                              .order_by(Share.created_at.desc())).scalars().all()


def revoke(manager: Member, account, share_id):
    """Revoke a share: its link answers 410 from now on."""
    check(manager, MANAGE)
    share = db.session.execute(select(Share).where(Share.id == share_id, Share.circle_id == manager.circle_id)
                               ).scalar_one_or_none()
    if share is None:
        raise NotFound(_l('This page or item does not exist, or you may not see it.'))
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        audit('dossier.share_revoke', 'U', actor=account, role='manager', circle=manager.circle_id,
              target=f'share:{share.id}')


GONE = {'revoked': _l('The person who shared this link has stopped it.'),
        'expired': _l('This link has expired. Ask for a new one.'),
        'used': _l('This link has been opened as often as it may. Ask for a new one.'),
        'locked': _l('This link is locked after five wrong codes. Ask for a new one.')}


def by_token(token, opened=False) -> Share:
    """The share of a link, usable now; else NotFound (never made) or Gone (410, with the reason). ``opened``: the
    code was just given, so a share opened as often as allowed still serves its file."""
    if not token or len(token) > 100:
        raise NotFound(_l('This link does not exist.'))
    share = db.session.execute(select(Share).where(Share.token_hash == keyed_hash(token, 'share-link'))
                               .with_for_update()).scalar_one_or_none()  # parallel tries count one by one
    if share is None:
        raise NotFound(_l('This link does not exist.'))
    state = status(share)
    if state != 'active' and not (opened and state == 'used'):
        raise Gone(GONE[state], code=f'share_{state}')
    return share


def check_code(share, code, source='page'):
    """Check the code: a right one counts an open (audited as an outsider's read) and returns None; a wrong one
    counts towards the lock and returns how many tries are left (0: locked now); a share locked meanwhile raises Gone.

    A try is taken by one atomic statement before the code is looked at, so parallel tries never check more than
    ``MAX_FAILURES`` wrong codes; wrong codes count over the life of the share (a right one takes its try back but
    resets nothing). Nothing is raised for a wrong code, so the request commits the count (the view answers the
    refusal with its status)."""
    failures = db.session.execute(
        update(Share).where(Share.id == share.id, Share.failures < MAX_FAILURES)
        .values(failures=Share.failures + 1).returning(Share.failures)
        .execution_options(synchronize_session=False)).scalar_one_or_none()
    if failures is None:  # locked meanwhile: no code is looked at any more
        raise Gone(GONE['locked'], code='share_locked')
    if not isinstance(code, str) or has_lone_surrogate(code) or not secrets.compare_digest(
            keyed_hash(code.strip(), 'share-code'), share.code_hash):
        set_committed_value(share, 'failures', failures)
        audit('dossier.share_open', 'R', role='outsider', basis='outsider', circle=share.circle_id,
              target=f'share:{share.id}:{source}', outcome='wrong_code')
        return MAX_FAILURES - failures
    opened = db.session.execute(
        update(Share).where(Share.id == share.id, Share.opens < Share.max_opens)
        .values(failures=Share.failures - 1, opens=Share.opens + 1, last_opened_at=utcnow())
        .returning(Share.failures, Share.opens, Share.last_opened_at)
        .execution_options(synchronize_session=False)).one_or_none()
    if opened is None:  # a parallel open took the last one
        raise Gone(GONE['used'], code='share_used')
    for name, value in zip(('failures', 'opens', 'last_opened_at'), opened, strict=True):
        set_committed_value(share, name, value)
    audit('dossier.share_open', 'R', role='outsider', basis='outsider', circle=share.circle_id,
          target=f'share:{share.id}:{source}')
    return None
