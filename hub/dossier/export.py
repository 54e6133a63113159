"""The Blue Button download: a care page's dossier data as a FHIR R4 Bundle, or as a readable page.

Records that came from a FHIR server are given as the provider sent them; records from other systems
(Ons) are written as FHIR resources from the common model, each built as its fhir.resources (R4B) model.
"""

import re
from datetime import UTC, date, datetime

from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.communication import Communication
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.coverage import Coverage
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.relatedperson import RelatedPerson
from flask_babel import lazy_gettext as _l

from hub.core.errors import InvalidInput

LOINC, SNOMED = 'http://loinc.org', 'http://snomed.info/sct'
#: kinds in the order the readable page shows them
KINDS = ('demographics', 'contact_person', 'practitioner', 'insurance', 'condition', 'medication', 'plan', 'goal',
         'report',
         'questionnaire', 'measurement', 'appointment', 'message')


def month_range(first: str | None, last: str | None):
    """Return (start, end) datetimes for ``YYYY-MM`` months (both included); absent: from the start, up to now."""
    def parse(value):
        if not re.fullmatch(r'(19|20)\d\d-(0[1-9]|1[0-2])', value or ''):  # also keeps datetime() in range
            raise InvalidInput(_l('Give the months as YYYY-MM, for example 2026-01.'), code='invalid_month')
        return int(value[:4]), int(value[5:])
    start = datetime(*parse(first), 1, tzinfo=UTC) if first else None
    end = None
    if last:
        year, month = parse(last)
        end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    if start and end and start >= end:
        raise InvalidInput(_l('The first month comes after the last one.'), code='invalid_month')
    return start, end


def _subject(client_id):
    return {'reference': f'Patient/{client_id}'}


def _made(model, **fields) -> dict:
    """The resource as its fhir.resources (R4B) model builds it, so it is valid FHIR by construction; as JSON, with
    the empty fields left out (FHIR has no nulls or empty lists)."""
    return model(**_clean(fields)).model_dump(mode='json', exclude_none=True)


def fhir_resource(record, client_id, made=False) -> dict:
    """The record as a FHIR R4 resource: the provider's own when it sent FHIR, else (or when ``made``: an app's
    read, the same for every provider) made from the common model."""
    raw = {} if made else record.raw or {}
    if isinstance(raw.get('resourceType'), str) and raw.get('id'):
        return raw
    data, rid = record.data, re.sub(r'[^A-Za-z0-9\-.]', '-', record.source_id)[:64]
    kind = record.kind
    if kind == 'demographics':
        return _made(Patient, id=rid, name=[{'text': data['name'], 'family': data.get('family'),
                                             'given': [data['given']] if data.get('given') else []}],
                     birthDate=data.get('birth_date'), gender=data.get('gender'),
                     telecom=[{'system': 'phone', 'value': data['phone']}] if data.get('phone') else [])
    if kind == 'contact_person':
        return _made(RelatedPerson, id=rid, patient=_subject(client_id), name=[{'text': data['name']}],
                     relationship=[{'text': data['relationship']}] if data.get('relationship') else [],
                     telecom=[{'system': s, 'value': data[k]} for s, k in (('phone', 'phone'), ('email', 'email'))
                              if data.get(k)])
    if kind == 'practitioner':
        return _made(Practitioner, id=rid, name=[{'text': data['name']}])
    if kind == 'insurance':
        return _made(Coverage, id=rid, status='active', beneficiary=_subject(client_id),
                     payor=[{'display': data['insurer']}], subscriberId=data.get('policy_number'),
                     type={'text': data['kind']} if data.get('kind') else None)
    if kind == 'condition':
        return _made(Condition, id=rid, subject=_subject(client_id), code={'text': data['description']})
    if kind == 'report':
        return _made(Observation, id=rid, status='final', subject=_subject(client_id),
                     code={'coding': [{'system': SNOMED, 'code': '11591000146107'}], 'text': data.get('category')},
                     effectiveDateTime=data['occurred_at'], valueString=data['text'])
    if kind == 'measurement':
        return _made(Observation, id=rid, status='final', subject=_subject(client_id),
                     code={'coding': [data['code']]}, effectiveDateTime=data['occurred_at'],
                     valueQuantity={'value': data['value'], 'unit': data.get('unit')}
                     if data.get('value') is not None else None,
                     component=[{'code': {'coding': [c['code']]},
                                 'valueQuantity': {'value': c['value'], 'unit': c.get('unit')}}
                                for c in data.get('components') or []])
    if kind == 'appointment':
        return _made(Appointment, id=rid, status=data['status'], start=data['start'], end=data.get('end'),
                     description=data.get('description'),
                     participant=[{'actor': _subject(client_id), 'status': 'accepted'}])
    if kind == 'plan':
        return _made(CarePlan, id=rid, status=data['status'], intent='plan', title=data['title'],
                     subject=_subject(client_id),
                     period={'start': data.get('period_start'), 'end': data.get('period_end')},
                     activity=[{'detail': {'status': 'in-progress', 'description': a['description']}}
                               for a in data.get('activities') or []])
    if kind == 'goal':
        return _made(Goal, id=rid, lifecycleStatus=data.get('lifecycle_status') or 'active',
                     description={'text': data['description']}, subject=_subject(client_id))
    if kind == 'questionnaire':
        return _made(QuestionnaireResponse, id=rid, status=data['status'], subject=_subject(client_id),
                     authored=data['occurred_at'],
                     item=[{'linkId': str(i), 'text': a['question'], 'answer': [{'valueString': a['answer']}]
                            if a.get('answer') else []} for i, a in enumerate(data.get('answers') or [], 1)])
    if kind == 'message':
        return _made(Communication, id=rid, status='completed', subject=_subject(client_id),
                     sent=data['occurred_at'], payload=[{'contentString': data['text']}])
    if kind == 'medication':
        return _made(MedicationStatement, id=rid, status='stopped' if data.get('stopped') else 'active',
                     medicationCodeableConcept={'text': data['name']}, subject=_subject(client_id),
                     effectivePeriod={'start': data.get('starts_on'), 'end': data.get('ends_on')},
                     dosage=[{'text': data['dose']}] if data.get('dose') else [],
                     informationSource={'display': data['prescriber']} if data.get('prescriber') else None)
    if kind == 'document':  # the file itself is fetched from the provider when asked (hub.dossier.documents)
        return _made(DocumentReference, id=rid, status='current', subject=_subject(client_id),
                     date=data.get('occurred_at'), description=data['title'],
                     category=[{'text': data['category']}] if data.get('category') else [],
                     author=[{'display': data['author']}] if data.get('author') else [],
                     content=[{'attachment': {'contentType': data.get('content_type'), 'title': data['title'],
                                              'size': data.get('size')}}])
    raise ValueError(kind)


def _clean(value):
    """Leave out empty fields (FHIR has no nulls or empty lists)."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v not in (None, [], {}, '')}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def by_kind(rows) -> dict:
    """The rows grouped by kind, in their order (the readable page shows them by KINDS)."""
    grouped = {}
    for row in rows:
        grouped.setdefault(row.Record.kind, []).append(row)
    return grouped


def bundle(rows) -> dict:
    """A FHIR R4 collection Bundle of the rows (Record, Dossier), each source resource once."""
    entries, seen = [], set()
    for row in rows:
        resource = _clean(fhir_resource(row.Record, row.Dossier.client_id))
        key = (row.Dossier.id, resource['resourceType'], resource.get('id'))
        if key in seen:
            continue
        seen.add(key)
        entries.append({'fullUrl': f"urn:carehub:{row.Dossier.provider.name}:{resource['resourceType']}/"
                                   f"{resource.get('id')}".replace(' ', '_'), 'resource': resource})
    return {'resourceType': 'Bundle', 'type': 'collection', 'timestamp': datetime.now(UTC).isoformat(),
            'entry': entries}


def today() -> date:
    return datetime.now(UTC).date()
