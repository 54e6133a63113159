"""Documents on a care page: what members upload and what the providers keep.

A member who may read the dossier uploads a PDF, a JPEG or PNG photo (checked by its first bytes, not by its name;
at most 20 MB), or a FHIR R4 Bundle from another portal (an IPS, a MedMij download). A file is kept as it is. A
Bundle's resources go through the ``fhir`` adapter's mapping into the member's own uploads dossier on the care page
(hub.careprovider.operations.uploads_dossier): they show on the timeline, in the lists and in the download, marked
as uploaded by that member. Providers' documents (FHIR DocumentReference) are listed beside them; their files are
fetched from the provider by carehub when someone opens them, never linked to directly.
"""

import io
import json
import re
from collections import Counter

import ijson
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, undefer

from hub.careprovider.adapter import AdapterError
from hub.careprovider.batches import existing_records
from hub.careprovider.models import Record
from hub.careprovider.operations import adapter_for, uploads_dossier
from hub.careprovider.sync import origin_of, store
from hub.circle.access import MANAGE, READ_DOSSIER, check, is_author_or
from hub.circle.dossiers import records_of
from hub.circle.models import CircleDossier, Member
from hub.core.audit import audit
from hub.core.errors import AppError, InvalidInput, NotFound
from hub.core.text import bad_characters, has_lone_surrogate
from hub.core.timeutil import utcnow
from hub.dossier.models import Document
from hub.extensions import db

MAX_BYTES = 20 * 1024 * 1024
BUNDLE = 'application/fhir+json'
#: content type -> the first bytes every such file has
SIGNATURES = {'application/pdf': b'%PDF-', 'image/jpeg': b'\xff\xd8\xff', 'image/png': b'\x89PNG\r\n\x1a\n'}
EXTENSIONS = {'pdf': 'application/pdf', 'jpg': 'image/jpeg', 'jpeg': 'image/jpeg', 'png': 'image/png',
              'json': BUNDLE}
TYPE_NAMES = {'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG', BUNDLE: 'FHIR'}
MEDIA_TYPE = re.compile(r'[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,62}')
#: what a browser may show in the page itself; anything else is downloaded
INLINE = frozenset(SIGNATURES)
#: what an uploaded Bundle may bring: the health data (measurements, reports, problems, questionnaires, medication).
#: Not the client, people, appointments, plans, messages, tasks or documents: on the care page those speak for a
#: care provider (a message from "the provider", a plan to approve, a contact person to change at the provider, a
#: file served as another type). This list is the rule: messages, plans and contact persons never need a check
#: for uploads elsewhere; what uploads may hold (reports, measurements, medication) is checked where it matters:
#: new-report notices, corrections (no provider to ask), linking (not a provider's dossier)
TAKEN = ('Observation', 'Condition', 'Composition', 'QuestionnaireResponse', 'MedicationStatement',
         'MedicationRequest', 'MedicationDispense')
#: the most resources one Bundle may bring (each is mapped and stored in the request)
MOST_RESOURCES = 2000
#: the most entries of any kind, and JSON values (each key, string, number; each object and list twice), in a Bundle
#: (counted on a stream before it is parsed whole: they bound the memory an upload costs)
MOST_ENTRIES = 10 * MOST_RESOURCES
MOST_VALUES = 500_000
MOST_DEPTH = 64
SHOWN = 200


def _refuse(message, code, status=422):
    raise InvalidInput(message, code=code, status=status, fields={'file': [message]})


def claimed_type(filename, mimetype) -> str | None:
    """The type a file says it is: by its name's extension, else by the type the browser sent."""
    extension = filename.rsplit('.', 1)[-1].lower() if filename and '.' in filename else ''
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    mimetype = (mimetype or '').split(';')[0].strip().lower()
    if mimetype in ('application/json', BUNDLE):
        return BUNDLE
    return mimetype if mimetype in SIGNATURES else None


def upload(member: Member, account, title, upload) -> Document:
    """Keep a file a member uploads (``upload``: file name, the type the browser gave, bytes; None when no file was
    chosen), or map a FHIR Bundle into their uploads dossier; bad input changes nothing."""
    check(member, READ_DOSSIER)
    if upload is None:
        _refuse(_l('Choose a file.'), 'no_file')
    filename, mimetype, data = upload
    if not data:
        _refuse(_l('The file is empty.'), 'empty_file')
    if len(data) > MAX_BYTES:
        _refuse(_l('The file is larger than 20 MB.'), 'too_large', 413)
    kind = claimed_type(filename, mimetype)
    if kind is None:
        _refuse(_l('Upload a PDF, a photo (JPEG or PNG) or a FHIR file (JSON).'), 'unsupported_type', 415)
    title = title or _title_of(filename)
    if kind == BUNDLE:
        return _bundle(member, account, title, data)
    if not data.startswith(SIGNATURES[kind]):
        _refuse(_l('This file is not a real %(kind)s. Choose the file again.', kind=TYPE_NAMES[kind]),
                'content_mismatch')
    return _keep(member, account, 'file', title, kind, data)


def _title_of(filename) -> str:
    """A title from a file's name: its stem, with nothing a person cannot see or that can mislead."""
    name = (filename or '').replace('\\', '/').rsplit('/', 1)[-1].rsplit('.', 1)[0]
    name = ' '.join(''.join(char for char in name if not bad_characters(char)).split())
    return name[:300] or str(_l('Document'))


def _keep(member: Member, account, kind, title, content_type, data, counts=None) -> Document:
    document = Document(circle_id=member.circle_id, account_id=account.id, kind=kind, title=title,
                        content_type=content_type, size=len(data), data=data, counts=counts, created_at=utcnow())
    db.session.add(document)
    db.session.flush()
    audit('dossier.document_upload', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'document:{document.id}')
    return document


def _resources(data) -> list[dict]:
    """The resources of a FHIR Bundle worth taking, or raise InvalidInput when the file is not one or holds too much.

    The file is first read as a stream (ijson), counting as it goes, and refused as soon as it passes a limit; only
    then is it parsed whole. A Bundle of a quarter of a million entries costs no more memory than a small one."""
    _count(data)
    try:
        bundle = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or absurdly deep
        bundle = None
    entries = bundle.get('entry') if isinstance(bundle, dict) and bundle.get('resourceType') == 'Bundle' else None
    if not isinstance(entries, list):
        _refuse(_l('This is not a FHIR file: we expect a Bundle in JSON.'), 'not_fhir')
    resources = [resource for resource in map(_taken, entries) if resource is not None]
    if len(resources) > MOST_RESOURCES:
        _too_many()
    return resources


def _count(data):
    """Read the file as a stream and refuse it once it holds more entries or values than a Bundle may, or nests deeper
    than FHIR does (nothing is kept while counting); a file the stream cannot read is not one we take."""
    entries = values = depth = 0
    key, in_entries = None, False
    try:
        for event, value in ijson.basic_parse(io.BytesIO(data)):
            values += 1
            if event == 'map_key' and depth == 1:
                key = value
            elif event in ('start_map', 'start_array'):
                if depth == 1 and event == 'start_array' and key == 'entry':
                    in_entries = True
                entries += depth == 2 and in_entries and event == 'start_map'
                depth += 1
            elif event in ('end_map', 'end_array'):
                depth -= 1
                in_entries = in_entries and depth > 1
            if entries > MOST_ENTRIES or values > MOST_VALUES:
                _too_many()
            if depth > MOST_DEPTH:
                raise ValueError('nested too deep')
    except (ijson.JSONError, ValueError):  # not JSON, not UTF-8 (or a lone low surrogate), or absurdly deep
        _refuse(_l('This is not a FHIR file: we expect a Bundle in JSON.'), 'not_fhir')


def _too_many():
    _refuse(_l('This file holds too much: at most %(most)d parts at a time.', most=MOST_RESOURCES), 'too_many')


def _taken(entry):
    """The resource of a Bundle entry, when it is one carehub takes from an upload (see TAKEN), else None."""
    resource = entry.get('resource') if isinstance(entry, dict) else None
    if not isinstance(resource, dict) or not isinstance(resource.get('resourceType'), str):
        return None
    if not isinstance(resource.get('id'), str) or not resource['id']:
        # a document Bundle may name its resources by fullUrl (urn:uuid:…) only
        full_url = entry.get('fullUrl') if isinstance(entry.get('fullUrl'), str) else ''
        found = re.fullmatch(r'urn:uuid:([0-9a-fA-F-]{36})', full_url)
        if not found:
            return None
        resource = {**resource, 'id': found.group(1)}
    if len(resource['id']) > 64 or resource['resourceType'] not in TAKEN or has_lone_surrogate(resource):
        return None  # text that is not valid Unicode cannot be stored
    # another portal's versions and times are not ours to order by: its meta is left out
    return {key: value for key, value in resource.items() if key != 'meta'}


def _bundle(member: Member, account, title, data) -> Document:
    resources = _resources(data)
    dossier = uploads_dossier(member.circle_id, account)
    if db.session.get(CircleDossier, dossier.id) is None:
        db.session.add(CircleDossier(dossier_id=dossier.id, circle_id=member.circle_id, created_at=utcnow()))
    adapter = adapter_for(dossier.provider)
    counts = Counter()
    sources = [adapter.source_from_raw(resource['resourceType'], resource) for resource in resources]
    known = existing_records(dossier, [origin_of(source) for source in sources])  # one query for the lot
    for source in sources:
        store(dossier, adapter, source, counts, known=known, via='push')
    known.flush()
    counts = {key: value for key, value in counts.items() if value}
    if not counts.get('created') and not counts.get('updated') and not counts.get('unchanged'):
        _refuse(_l('We found nothing in this file that carehub can show.'), 'nothing_to_show')
    dossier.last_synced_at = utcnow()
    return _keep(member, account, 'bundle', title, BUNDLE, data, counts)


def upload_json(document) -> dict:
    return {'id': str(document.id), 'source': 'member', 'title': document.title, 'kind': document.kind,
            'content_type': document.content_type, 'size': document.size, 'at': document.created_at.isoformat(),
            'added_by': {'name': document.account.name}, 'counts': document.counts, 'provider': None,
            'author_id': str(document.account_id)}


def documents_of(member: Member, limit=SHOWN) -> list[dict]:
    """The care page's documents, newest first: the providers' and what members uploaded."""
    check(member, READ_DOSSIER)
    circle_id = member.circle_id
    uploads = db.session.execute(select(Document).options(joinedload(Document.account))
                                 .where(Document.circle_id == circle_id)
                                 .order_by(Document.created_at.desc(), Document.id.desc()).limit(limit)).scalars()
    items = [upload_json(document) for document in uploads]
    for row in db.session.execute(records_of(member, circle_id, ('document',)).order_by(
            Record.occurred_at.desc().nulls_last(), Record.id.desc()).limit(limit)):
        data = row.Record.data
        items.append({'id': str(row.Record.id), 'source': 'provider', 'title': data['title'], 'kind': 'file',
                      'content_type': data.get('content_type'), 'size': data.get('size'),
                      'at': row.Record.occurred_at.isoformat() if row.Record.occurred_at else None,
                      'category': data.get('category'), 'author': data.get('author'), 'added_by': None,
                      'provider': {'id': str(row.Dossier.provider_id), 'name': row.Dossier.provider.name}})
    return sorted(items, key=lambda item: item['at'] or '', reverse=True)[:limit]


class Unreachable(AppError):
    status = 502
    code = 'provider_unreachable'


def open_document(member: Member, document_id) -> tuple[str, bytes, str]:
    """Return (content type, bytes, title) of a document of the member's care page: an upload from the database, a
    provider's fetched from the provider now. NotFound for another page's or a hidden one."""
    check(member, READ_DOSSIER)
    circle_id = member.circle_id
    document = db.session.execute(select(Document).options(undefer(Document.data)).where(
        Document.id == document_id, Document.circle_id == circle_id)).scalar_one_or_none()
    if document is not None:
        return document.content_type, document.data, document.title
    row = db.session.execute(records_of(member, circle_id, ('document',)).options(undefer(Record.raw))
                             .where(Record.id == document_id)).first()
    if row is None:
        raise NotFound(_l('This document does not exist, or you may not see it.'))
    try:
        content_type, data = adapter_for(row.Dossier.provider).document(row.Record.data, row.Record.raw)
    except AdapterError:
        raise Unreachable(_l('%(provider)s cannot give this document now. Try again later.',
                             provider=row.Dossier.provider.name)) from None
    if not MEDIA_TYPE.fullmatch(content_type or ''):  # a provider's odd type is never put in a header as it is
        content_type = 'application/octet-stream'
    return content_type.lower(), data, row.Record.data['title']


def remove(member: Member, account, document_id):
    """Remove an upload (its uploader or the manager); a Bundle's records go with it. A provider's: 404."""
    document = db.session.get(Document, document_id)
    if document is None or document.circle_id != member.circle_id or not is_author_or(
            member, account, document.account_id, MANAGE):
        raise NotFound(_l('This document does not exist, or you may not see it.'))
    if document.kind == 'bundle':
        _forget_bundle(member.circle_id, document)
    db.session.delete(document)
    audit('dossier.document_remove', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'document:{document.id}')


def _forget_bundle(circle_id, document):
    """Retire the records a Bundle brought that no other upload of its uploader still brings."""
    dossier = uploads_dossier(circle_id, document.account)
    kept = set()
    others = db.session.execute(select(Document).options(undefer(Document.data)).where(
        Document.account_id == document.account_id, Document.circle_id == circle_id, Document.kind == 'bundle',
        Document.id != document.id)).scalars()
    for other in others:
        kept |= {f"{r['resourceType']}/{r['id']}" for r in _resources(other.data)}
    gone = {f"{r['resourceType']}/{r['id']}" for r in _resources(
        db.session.execute(select(Document.data).where(Document.id == document.id)).scalar_one())} - kept
    if gone:
        db.session.execute(update(Record).where(Record.dossier_id == dossier.id, Record.origin.in_(gone))
                           .values(deleted=True, updated_at=utcnow()))


def file_name(title, content_type) -> str:
    """A plain file name for a download: the title's letters and digits, and the type's extension."""
    stem = re.sub(r'[^A-Za-z0-9_-]+', '-', title).strip('-')[:80] or 'document'
    extension = {'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', BUNDLE: 'json'}.get(content_type)
    return f'{stem}.{extension}' if extension else stem
