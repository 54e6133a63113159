"""Map FHIR R4 resources into common-model records."""

import re

from adapters.fhir.values import (
    address,
    codings,
    concept_text,
    display,
    has_code,
    human_name,
    narrative,
    parse_date,
    parse_datetime,
    reference_id,
    specialty,
    telecom,
)
from hub.careprovider.adapter import MappedRecord

SNOMED = 'http://snomed.info/sct'
LOINC = 'http://loinc.org'
#: SNOMED "patiëntcontactverslag": a report written by care staff
REPORT_CODE = '11591000146107'
#: the code of a SOAP line (ICPC, e.g. "Hoesten"): the report's keyword (kernwoord)
SOAP_LINE_CODE = 'http://nictiz.nl/fhir/StructureDefinition/ext-SOAPReport.SOAPLineCode'
#: our extension on CarePlan that says whether the client still has to approve it
APPROVAL_EXTENSION = 'https://carehub.nl/fhir/StructureDefinition/approval-status'
#: dates of a plan's evaluation with the client (no R4 element holds them); a goal as the client sees it
EVALUATED_EXTENSION = 'https://carehub.nl/fhir/StructureDefinition/evaluation-date'
NEXT_EVALUATION_EXTENSION = 'https://carehub.nl/fhir/StructureDefinition/next-evaluation-date'
CLIENT_STATUS_EXTENSION = 'https://carehub.nl/fhir/StructureDefinition/client-goal-status'
#: the words a category starts with when it names a work plan of one discipline ("Werkplan Fysiotherapie")
WORK_PLAN_WORDS = ('werkplan', 'work plan')

#: LOINC code -> series name of the measurements we show
SERIES = {
    '29463-7': 'body_weight',
    '85354-9': 'blood_pressure',
    '8310-5': 'body_temperature',
    '8867-4': 'heart_rate',
    '9279-1': 'respiratory_rate',
    '8302-2': 'body_height',
    '59408-5': 'oxygen_saturation',
    '2708-6': 'oxygen_saturation',
    '8893-0': 'heart_rate',  # pulse rate by palpation (zib PulseRate)
}


def _record(kind, resource, data, occurred_at=None, code=None):
    return MappedRecord(kind=kind, source_id=f"{resource['resourceType']}/{resource['id']}", data=data,
                        occurred_at=occurred_at, code=code)


def map_patient(resource):
    name, given, family = human_name(resource.get('name'))
    gender = resource.get('gender')
    return [_record('demographics', resource, {
        'name': name or '?', 'given': given, 'family': family,
        'birth_date': resource.get('birthDate') if parse_date(resource.get('birthDate')) else None,
        'gender': gender if gender in ('male', 'female', 'other', 'unknown') else None,
        'address': address(resource.get('address')), 'phone': telecom(resource.get('telecom'), 'phone'),
    })]


def map_related_person(resource):
    name, _, _ = human_name(resource.get('name'))
    if not name:
        return []
    relationship = ', '.join(filter(None, (concept_text(c) for c in resource.get('relationship') or []))) or None
    return [_record('contact_person', resource, {
        'name': name, 'relationship': relationship, 'phone': telecom(resource.get('telecom'), 'phone'),
        'email': telecom(resource.get('telecom'), 'email'),
    })]


def map_practitioner(resource):
    name, _, _ = human_name(resource.get('name'))
    if not name:
        return []
    qualifications = ' '.join(concept_text(q.get('code')) or '' for q in resource.get('qualification') or []).lower()
    role = 'general_practitioner' if ('huisarts' in qualifications or 'general practitioner' in qualifications) \
        else 'care_team'
    return [_record('practitioner', resource, {
        'name': name, 'role': role, 'phone': telecom(resource.get('telecom'), 'phone'),
        'address': address(resource.get('address')),
    })]


def map_organization(resource):
    if not resource.get('name'):
        return []
    types = ' '.join((concept_text(t) or '') + ' ' + ' '.join(c.get('code') or '' for c in codings(t))
                     for t in resource.get('type') or []).lower()
    role = 'pharmacy' if ('apothe' in types or 'pharmac' in types or ' j8' in f' {types}') else \
        'general_practitioner' if 'huisarts' in types else 'other'
    return [_record('practitioner', resource, {
        'name': resource['name'], 'role': role, 'phone': telecom(resource.get('telecom'), 'phone'),
        'address': address(resource.get('address')),
    })]


def _observation_time(resource):
    return (parse_datetime(resource.get('effectiveDateTime'))
            or parse_datetime((resource.get('effectivePeriod') or {}).get('start'))
            or parse_datetime(resource.get('issued')))


def _quantity(resource):
    quantity = resource.get('valueQuantity') or {}
    value = quantity.get('value')
    return (float(value) if isinstance(value, (int, float)) else None), quantity.get('unit') or quantity.get('code')


def map_observation(resource):
    if resource.get('status') in ('entered-in-error', 'cancelled'):
        return []
    code = resource.get('code') or {}
    when = _observation_time(resource)
    if has_code(code, SNOMED, REPORT_CODE):
        text = resource.get('valueString') or ' '.join(n.get('text', '') for n in resource.get('note') or []).strip() \
            or narrative(resource)
        if not text or when is None:
            return []
        performer = next(filter(None, (display(p, resource) for p in resource.get('performer') or [])), None)
        category = next((concept_text(c) for c in resource.get('category') or [] if concept_text(c)), None)
        return [_record('report', resource, {
            'text': text, 'title': None, 'author': performer, 'category': category, 'occurred_at': when.isoformat(),
            'discipline': specialty(resource.get('performer'), resource),
            'care_question': next(filter(None, (display(r, resource) for r in resource.get('basedOn') or [])), None),
            'keyword': next((concept_text(e.get('valueCodeableConcept')) for e in resource.get('extension') or []
                             if e.get('url') == SOAP_LINE_CODE), None)}, occurred_at=when)]
    loinc = next((c for c in codings(code) if c.get('system') == LOINC and c.get('code') in SERIES), None)
    if loinc is None or when is None:
        return []
    value, unit = _quantity(resource)
    components = []
    for component in resource.get('component') or []:
        comp_value, comp_unit = _quantity(component)
        comp_code = next(iter(codings(component.get('code'))), None)
        if comp_value is not None and comp_code:
            components.append({'code': _coding(comp_code), 'value': comp_value, 'unit': comp_unit})
    if value is None and not components:
        return []
    series = SERIES[loinc['code']]
    reference = next(iter(resource.get('referenceRange') or []), {})
    low, _ = _quantity({'valueQuantity': reference.get('low') or {}})
    high, _ = _quantity({'valueQuantity': reference.get('high') or {}})
    return [_record('measurement', resource, {
        'code': _coding(loinc), 'series': series, 'value': value, 'unit': unit, 'components': components,
        'occurred_at': when.isoformat(), 'range_low': low, 'range_high': high}, occurred_at=when, code=series)]


def _coding(coding):
    return {'system': coding.get('system'), 'code': coding.get('code'), 'display': coding.get('display')}


def map_appointment(resource):
    start = parse_datetime(resource.get('start'))
    if start is None:
        return []
    end = parse_datetime(resource.get('end'))
    participants = [display(p['actor'], resource) for p in resource.get('participant') or []
                    if display(p.get('actor'), resource) and not reference_id(p['actor'], 'Patient')]
    location = next((p['actor'].get('display') for p in resource.get('participant') or []
                     if reference_id(p.get('actor'), 'Location')), None)
    return [_record('appointment', resource, {
        'start': start.isoformat(), 'end': end.isoformat() if end else None, 'status': resource.get('status'),
        'description': resource.get('description') or concept_text(next(iter(resource.get('serviceType') or []), None)),
        'location': location, 'participants': participants}, occurred_at=start)]


def _extension(resource, url, kind='valueCode'):
    return next((e.get(kind) for e in resource.get('extension') or [] if e.get('url') == url), None)


def _plan_kind(resource):
    """('client', None) for the client's own plan; ('work', discipline) for a discipline's work plan."""
    for category in resource.get('category') or []:
        text = (concept_text(category) or '').strip()
        for word in WORK_PLAN_WORDS:
            if text.lower().startswith(word):
                return 'work', text[len(word):].strip(' :-') or None
    return 'client', None


def _reason(item):
    """The problem something is for: the text of its reason or of the condition it refers to."""
    for key in ('reasonCode', 'addresses'):
        for reason in item.get(key) or []:
            text = concept_text(reason) or reason.get('display')
            if text:
                return text
    return next((r.get('display') for r in item.get('reasonReference') or [] if r.get('display')), None)


def map_care_plan(resource):
    approval = _extension(resource, APPROVAL_EXTENSION)
    activities = []
    for activity in resource.get('activity') or []:
        detail = activity.get('detail') or {}
        description = detail.get('description') or concept_text(detail.get('code'))
        if description:
            performer = next((p.get('display') for p in detail.get('performer') or [] if p.get('display')), None)
            activities.append({'description': description, 'status': detail.get('status'),
                               'goal_ids': [g['reference'] for g in detail.get('goal') or [] if g.get('reference')],
                               'discipline': performer, 'problem': _reason(detail)})
    plan_type, discipline = _plan_kind(resource)
    evaluated = parse_date(_extension(resource, EVALUATED_EXTENSION, 'valueDate'))
    next_evaluation = parse_date(_extension(resource, NEXT_EVALUATION_EXTENSION, 'valueDate'))
    period = resource.get('period') or {}
    start = parse_datetime(period.get('start'))
    end = parse_datetime(period.get('end'))
    return [_record('plan', resource, {
        'title': resource.get('title') or concept_text(next(iter(resource.get('category') or []), None)) or 'Zorgplan',
        'status': resource.get('status'), 'description': resource.get('description'),
        'version': (resource.get('meta') or {}).get('versionId'),
        'period_start': start.isoformat() if start else None, 'period_end': end.isoformat() if end else None,
        'approval': approval.replace('-', '_') if approval in ('awaiting-signature', 'approved') else 'none',
        'goal_ids': [g['reference'] for g in resource.get('goal') or [] if g.get('reference')],
        'activities': activities, 'plan_type': plan_type, 'discipline': discipline,
        'evaluated_on': evaluated.isoformat() if evaluated else None,
        'next_evaluation_on': next_evaluation.isoformat() if next_evaluation else None},
        occurred_at=start or parse_datetime(resource.get('created')))]


def map_goal(resource):
    description = concept_text(resource.get('description'))
    if not description:
        return []
    start = parse_date(resource.get('startDate'))
    due = parse_date(next((t.get('dueDate') for t in resource.get('target') or [] if t.get('dueDate')), None))
    return [_record('goal', resource, {
        'description': description, 'lifecycle_status': resource.get('lifecycleStatus'),
        'achievement': concept_text(resource.get('achievementStatus')),
        'start': start.isoformat() if start else None, 'due': due.isoformat() if due else None,
        'area': next(filter(None, (concept_text(c) for c in resource.get('category') or [])), None),
        'focus': next(filter(None, (n.get('text') for n in resource.get('note') or [])), None),
        'problem': _reason(resource),
        'client_status': _extension(resource, CLIENT_STATUS_EXTENSION, 'valueString')})]


def _role_of(text) -> str:
    text = (text or '').lower()
    if 'huisarts' in text or 'general practitioner' in text:
        return 'general_practitioner'
    if 'apothe' in text or 'pharmac' in text:
        return 'pharmacy'
    return 'care_team'


def map_practitioner_role(resource):
    name = (resource.get('practitioner') or {}).get('display') or (resource.get('organization') or {}).get('display')
    if not name:
        return []
    function = ', '.join(filter(None, (concept_text(c) for c in
                                       (resource.get('specialty') or []) + (resource.get('code') or [])))) or None
    return [_record('practitioner', resource, {
        'name': name, 'role': _role_of(function), 'function': function,
        'organization': (resource.get('organization') or {}).get('display'),
        'phone': telecom(resource.get('telecom'), 'phone'), 'address': None})]


def map_care_team(resource):
    """Each professional in the team becomes a care-team record of its own (source id ``CareTeam/x#n``)."""
    if resource.get('status') in ('entered-in-error', 'inactive'):
        return []
    records = []
    for index, participant in enumerate(resource.get('participant') or []):
        member = participant.get('member') or {}
        kind = member.get('type') or (member.get('reference') or '').partition('/')[0]
        if kind not in ('Practitioner', 'PractitionerRole', 'Organization', '') or not member.get('display'):
            continue  # the client and their relatives are not the care team; a name alone is a professional's
        display = member['display']
        label, _, rest = display.partition('), ')  # Nictiz displays read "Healthcare professional (role), Name, ..."
        name, _, function = (rest if label.endswith('(role') else display).partition(', ')
        function = concept_text(next(iter(participant.get('role') or []), None)) or function or None
        records.append(MappedRecord(kind='practitioner', source_id=f"CareTeam/{resource['id']}#{index}", data={
            'name': name, 'role': _role_of(function), 'function': function, 'organization': resource.get('name'),
            'phone': None, 'address': None}))
    return records


def map_coverage(resource):
    if resource.get('status') in ('entered-in-error', 'cancelled', 'draft'):
        return []
    insurer = next(filter(None, (display(p, resource) for p in resource.get('payor') or [])), None)
    if not insurer:
        return []
    period = resource.get('period') or {}
    start, end = parse_date(period.get('start')), parse_date(period.get('end'))
    return [_record('insurance', resource, {
        'insurer': insurer, 'kind': concept_text(resource.get('type')),
        'policy_number': resource.get('subscriberId'), 'status': resource.get('status'),
        'period_start': start.isoformat() if start else None, 'period_end': end.isoformat() if end else None})]


def map_condition(resource):
    status = next((c.get('code') for c in codings(resource.get('verificationStatus'))), None)
    if status in ('entered-in-error', 'refuted'):
        return []
    code = resource.get('code') or {}
    description = concept_text(code)
    if not description:
        return []
    first = next(iter(codings(code)), None)
    onset = parse_date(resource.get('onsetDateTime') or (resource.get('onsetPeriod') or {}).get('start'))
    return [_record('condition', resource, {
        'description': description, 'code': _coding(first) if first else None,
        'clinical_status': next((c.get('code') for c in codings(resource.get('clinicalStatus'))), None),
        'category': next((concept_text(c) for c in resource.get('category') or [] if concept_text(c)), None),
        'onset': onset.isoformat() if onset else None})]


#: words that mark a questionnaire about restrictive measures (Wzd / Wvggz, "vrijheidsbeperking"): never shown
RESTRICTIVE = ('vrijheidsbeperk', 'onvrijwillige zorg', 'wzd', 'wvggz', 'bopz', 'middelen en maatregelen',
               'restrictive', 'restraint', 'dwang')


def _answers(items, answers):
    for item in items or []:
        values = []
        for answer in item.get('answer') or []:
            for key, value in answer.items():
                if key.startswith('value'):
                    if isinstance(value, dict):  # a Coding, Quantity or Reference
                        value = value.get('display') or value.get('code') or \
                            ' '.join(str(value[k]) for k in ('value', 'unit') if value.get(k) is not None)
                    values.append(str(value))
            _answers(answer.get('item'), answers)
        if item.get('text') and values:
            answers.append({'question': item['text'], 'answer': ', '.join(v for v in values if v)})
        _answers(item.get('item'), answers)
    return answers


def map_questionnaire_response(resource):
    if resource.get('status') not in ('completed', 'amended'):
        return []  # an incomplete list is never shown
    questionnaire = resource.get('questionnaire') or ''
    title_extension = next((e.get('valueString') for e in (resource.get('_questionnaire') or {}).get('extension') or []
                            if e.get('valueString')), None)
    title = title_extension or questionnaire.rstrip('/').rpartition('/')[2].split('|')[0] or 'Vragenlijst'
    answers = _answers(resource.get('item'), [])
    words = ' '.join([questionnaire, title] + [a['question'] for a in answers]).lower()
    if any(word in words for word in RESTRICTIVE):
        return []
    when = parse_datetime(resource.get('authored'))
    if when is None:
        return []
    return [_record('questionnaire', resource, {
        'title': title, 'status': resource['status'], 'author': display(resource.get('author'), resource),
        'answers': answers, 'occurred_at': when.isoformat()}, occurred_at=when)]


#: the CodeSystem of what carehub itself sends (adapters/fhir/outbound.py): never read back as a message
OWN_CATEGORY = 'https://carehub.nl/fhir/CodeSystem/communication-category'


def map_communication(resource):
    if resource.get('status') in ('entered-in-error', 'not-done', 'preparation'):
        return []
    if any(c.get('system') == OWN_CATEGORY for concept in resource.get('category') or [] for c in codings(concept)):
        return []  # what the care page sent: it is on the page already
    text = '\n\n'.join(p['contentString'] for p in resource.get('payload') or [] if p.get('contentString'))
    when = parse_datetime(resource.get('sent') or resource.get('received'))
    if not text or when is None:
        return []
    answers = next((r['reference'] for r in resource.get('inResponseTo') or []
                    if isinstance(r, dict) and isinstance(r.get('reference'), str)), None)
    data = {'text': text, 'sender': display(resource.get('sender'), resource),
            'topic': concept_text(resource.get('topic')), 'occurred_at': when.isoformat()}
    if answers:  # only then: the content (and its hash) of other messages stays as it was
        data['in_response_to'] = answers[:300]
    return [_record('message', resource, data, occurred_at=when)]


def map_composition(resource):
    """A SOAP report (patiëntcontactverslag) becomes a report; other documents (referrals, letters) are not shown."""
    if resource.get('status') in ('entered-in-error', 'preliminary') or \
            not has_code(resource.get('type'), SNOMED, REPORT_CODE):
        return []
    parts = []
    for section in resource.get('section') or []:
        text = narrative(section)
        if text:
            label = section.get('title') or concept_text(section.get('code'))
            text = re.sub(r'^SOAPLineText:\s*', '', text)
            parts.append(f'{label}: {text}' if label else text)
    when = parse_datetime(resource.get('date'))
    if not parts or when is None:
        return []
    author = next(filter(None, (display(a, resource) for a in resource.get('author') or [])), None)
    if author and author.startswith('Healthcare professional (role), '):
        author = author.removeprefix('Healthcare professional (role), ')
    return [_record('report', resource, {'text': '\n'.join(parts), 'title': resource.get('title'), 'author': author,
                                         'category': concept_text(resource.get('type')),
                                         'discipline': specialty(resource.get('author'), resource),
                                         'occurred_at': when.isoformat()}, occurred_at=when)]


#: the Dutch medication profiles (MP9, nl-core): the dose in words, the period of use, a definitive stop
def map_document_reference(resource):
    """A document the provider keeps (a letter, a report, a photo): its title, type and where to fetch it.

    Only current documents with an attachment are listed; the file is fetched when a member opens it (``url``: a
    Binary on the FHIR server, or a URL there) or taken from the resource itself (``inline``: attachment.data).
    """
    if resource.get('status') not in (None, 'current') or resource.get('docStatus') in ('entered-in-error',
                                                                                          'preliminary'):
        return []
    attachment = next((c['attachment'] for c in resource.get('content') or []
                       if isinstance(c, dict) and isinstance(c.get('attachment'), dict)
                       and (c['attachment'].get('url') or c['attachment'].get('data'))), None)
    if attachment is None:
        return []
    kind = concept_text(resource.get('type'))
    title = attachment.get('title') or resource.get('description') or kind or 'Document'
    when = parse_datetime(resource.get('date') or attachment.get('creation'))
    size = attachment.get('size')
    authors = [display(author, resource) for author in resource.get('author') or []]
    category = next((concept_text(c) for c in resource.get('category') or [] if concept_text(c)), None)
    return [_record('document', resource, {
        'title': title[:300], 'content_type': (attachment.get('contentType') or '')[:100] or None,
        'url': None if attachment.get('data') else attachment['url'][:2000], 'inline': bool(attachment.get('data')),
        'size': size if isinstance(size, int) and size >= 0 else None, 'category': (kind or category or '')[:300] or None,
        'author': ', '.join(a for a in authors if a)[:300] or None,
        'occurred_at': when.isoformat() if when else None}, occurred_at=when)]


#: HL7 Patient Request for Corrections: the Task (and Communication) type of a correction request
CORRECTION_TYPES = 'http://hl7.org/fhir/uv/patient-corrections/CodeSystem/PatientCorrectionTaskTypes'
CORRECTION_CODE = 'medRecCxReq'
#: FHIR Task.status -> what the care page says of the request
TASK_STATUS = {'requested': 'received', 'received': 'received', 'accepted': 'accepted', 'in-progress': 'accepted',
               'on-hold': 'accepted', 'ready': 'accepted', 'completed': 'accepted', 'rejected': 'declined',
               'cancelled': 'declined', 'failed': 'declined'}
#: words in a completed Task's businessStatus that say the correction was refused after all (the IG's "denied")
DENIED_WORDS = ('denied', 'declined', 'rejected', 'afgewezen', 'geweigerd')
#: the Task codes of what carehub sends (adapters/fhir/outbound.py): a correction, a contact person to add or change
OWN_TASK_CODES = (CORRECTION_CODE, 'fulfill', 'change')
OWN_ID = re.compile(r'^carehub-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$')


def map_task(resource):
    """A request carehub sent (a correction, a contact person to add or change), as the provider's staff left it:
    the status and their answer.

    Only carehub's own Tasks (id ``carehub-<item id>``, code ``medRecCxReq``, or the task-code ``fulfill``/``change``
    of a contact-person request) give a record; its code is the item id, so the request on the care page finds it.
    The answer is the Task's text output, else its status reason, else its last note.
    """
    own = OWN_ID.match(resource.get('id') or '')
    if not own or not any(c.get('code') in OWN_TASK_CODES for c in codings(resource.get('code'))):
        return []
    status = TASK_STATUS.get(resource.get('status'))
    if status is None:
        return []
    business = (concept_text(resource.get('businessStatus')) or '').lower()
    if status == 'accepted' and any(word in business for word in DENIED_WORDS):
        status = 'declined'
    answer = next((o.get('valueString') or o.get('valueMarkdown') for o in resource.get('output') or []
                   if isinstance(o, dict) and (o.get('valueString') or o.get('valueMarkdown'))), None)
    answer = answer or concept_text(resource.get('statusReason')) or next(
        (n['text'] for n in reversed(resource.get('note') or []) if isinstance(n, dict) and n.get('text')), None)
    when = parse_datetime(resource.get('lastModified') or (resource.get('meta') or {}).get('lastUpdated'))
    if status == 'received' and not answer:
        when = None  # nothing answered yet
    return [_record('request_answer', resource, {
        'status': status, 'answer': answer[:5000] if answer else None,
        'answered_at': when.isoformat() if when else None}, occurred_at=when, code=own.group(1))]


RENDERED_DOSAGE = 'http://nictiz.nl/fhir/StructureDefinition/ext-RenderedDosageInstruction'
PERIOD_OF_USE = 'http://nictiz.nl/fhir/StructureDefinition/ext-TimeInterval.Period'
STOP_TYPE = 'http://nictiz.nl/fhir/StructureDefinition/ext-StopType'
USE_PRESCRIBER = 'http://nictiz.nl/fhir/StructureDefinition/ext-MedicationUse2.Prescriber'
#: resource type -> what kind of medication entry it is (a dispense that is an administration agreement: below)
MEDICATION_SOURCES = {'MedicationStatement': 'use', 'MedicationRequest': 'agreement', 'MedicationDispense': 'dispense'}
UNITS = {'d': ('dag', 'dagen'), 'wk': ('week', 'weken'), 'h': ('uur', 'uur'), 'mo': ('maand', 'maanden')}


def _number(value) -> bool:
    """A number as JSON has it (a text "1" or true is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _dose_words(dosage) -> str | None:
    """A dose in words when the source gave none: "2 maal per dag 1 stuk"."""
    if not dosage:
        return None
    first = dosage[0]
    if first.get('text'):
        return first['text']
    repeat = (first.get('timing') or {}).get('repeat') or {}
    parts = []
    if repeat.get('frequency') and repeat.get('periodUnit') in UNITS:
        period = repeat.get('period') if _number(repeat.get('period')) else 1
        unit = UNITS[repeat['periodUnit']][0 if period == 1 else 1]
        parts.append(f"{repeat['frequency']} maal per {unit if period == 1 else f'{period:g} {unit}'}")
    quantity = ((first.get('doseAndRate') or [{}])[0]).get('doseQuantity') or {}
    if _number(quantity.get('value')):
        parts.append(f"{quantity['value']:g} {quantity.get('unit') or ''}".strip())
    if repeat.get('timeOfDay'):
        parts.append('om ' + ', '.join(t[:5] for t in repeat['timeOfDay']))
    return ' '.join(parts) or None


def map_medication(resource):
    """MedicationStatement (medicatiegebruik), MedicationRequest (medicatieafspraak), MedicationDispense (verstrekking
    or toedieningsafspraak): one entry of the medication list with the dose in words, its period and who prescribed
    it; "stopped" when the source says so (a stop type, status stopped) or its period is over (seen when read)."""
    source = MEDICATION_SOURCES[resource['resourceType']]
    category = concept_text(resource.get('category')) if isinstance(resource.get('category'), dict) else \
        concept_text((resource.get('category') or [None])[0])
    if source == 'dispense' and category and 'toediening' in category.lower():
        source = 'administration_agreement'
    name = display(resource.get('medicationReference'), resource) or concept_text(
        resource.get('medicationCodeableConcept'))
    if not name:
        return []
    period = _extension(resource, PERIOD_OF_USE, 'valuePeriod') or resource.get('effectivePeriod') or {}
    start = period.get('start') or resource.get('whenHandedOver') or resource.get('authoredOn')
    prescriber = (display(resource.get('requester'), resource)
                  or display(_extension(resource, USE_PRESCRIBER, 'valueReference'), resource)
                  or display(((resource.get('performer') or [{}])[0]).get('actor'), resource))
    stopped = any(e.get('url') == STOP_TYPE for e in resource.get('modifierExtension') or []) or \
        resource.get('status') in ('stopped', 'completed') and source == 'use'
    when = parse_datetime(start)
    return [_record('medication', resource, {
        'name': name, 'source': source,
        'dose': _extension(resource, RENDERED_DOSAGE, 'valueString') or _dose_words(
            resource.get('dosage') or resource.get('dosageInstruction')),
        'starts_on': parse_date(start).isoformat() if parse_date(start) else None,
        'ends_on': parse_date(period.get('end')).isoformat() if parse_date(period.get('end')) else None,
        'stopped': bool(stopped),
        'prescriber': prescriber.removeprefix('Healthcare professional (role), ').removeprefix(
            'Healthcare provider (organization), ') if prescriber else None,
        'reason': concept_text((resource.get('reasonCode') or [None])[0]),
    }, occurred_at=when)]


def skip_reason(resource) -> str | None:
    """Say why a resource of a type we map gives no record (for the examples test and for operators), or None."""
    kind = resource.get('resourceType')
    if kind in NOT_SHOWN:
        return NOT_SHOWN[kind]
    status = resource.get('status')
    if status in ('entered-in-error', 'cancelled', 'not-done', 'preparation', 'draft'):
        return f'its status is {status}'
    profiles = ' '.join((resource.get('meta') or {}).get('profile') or [])
    if kind == 'Observation':
        if 'SOAPReport.SOAPLine' in profiles:
            return 'a line of a SOAP report: shown within the report (its Composition)'
        if 'FluidBalance' in profiles:
            return 'a fluid balance: not one of the measurements the portal shows'
        if 'Regularity' in profiles or 'Rhythm' in profiles:
            return 'a regularity or rhythm finding, not a value to chart'
        if resource.get('hasMember') and not resource.get('valueQuantity') and not resource.get('component'):
            return 'a panel that only groups other observations (they are mapped themselves)'
        return 'a code the portal does not show as a report or measurement'
    if kind == 'Composition':
        return 'a document other than a care report (e.g. a referral letter)'
    if kind == 'QuestionnaireResponse':
        return 'incomplete, or about restrictive measures (never shown)'
    if kind == 'Task':
        return 'a task that is not a request carehub sent (those give their answer)'
    if kind == 'DocumentReference':
        return 'not current, or without a file to open'
    return None


#: FHIR resource type -> why it is not shown (the common model has no place for it)
NOT_SHOWN = {
    'Encounter': 'contacts are shown through the reports written about them',
    'Flag': 'alerts are for care staff',
    'AllergyIntolerance': 'not part of what the care portal shows',
    'Location': 'a place is shown as the location of an appointment, not on its own',
    'Medication': 'a product: its name is shown with the medication entry that names it',
    'MedicationAdministration': 'each dose given is for care staff; the list shows what is used and agreed',
}

#: FHIR resource type -> mapping function
MAPPERS = {
    'Patient': map_patient,
    'RelatedPerson': map_related_person,
    'Practitioner': map_practitioner,
    'Organization': map_organization,
    'Observation': map_observation,
    'Appointment': map_appointment,
    'CarePlan': map_care_plan,
    'Goal': map_goal,
    'PractitionerRole': map_practitioner_role,
    'CareTeam': map_care_team,
    'Coverage': map_coverage,
    'Condition': map_condition,
    'QuestionnaireResponse': map_questionnaire_response,
    'Communication': map_communication,
    'Composition': map_composition,
    'MedicationStatement': map_medication,
    'MedicationRequest': map_medication,
    'MedicationDispense': map_medication,
    'Task': map_task,
    'DocumentReference': map_document_reference,
}
