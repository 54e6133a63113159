"""Mapping what happens in care: measurements, appointments, plans and goals, health problems, questionnaires,
messages, reports and documents."""

import re

from adapters.fhir.common import (
    APPROVAL_EXTENSION,
    CLIENT_STATUS_EXTENSION,
    EVALUATED_EXTENSION,
    LOINC,
    NEXT_EVALUATION_EXTENSION,
    REPORT_CODE,
    SERIES,
    SNOMED,
    SOAP_LINE_CODE,
    WORK_PLAN_WORDS,
    _coding,
    _extension,
    _record,
)
from adapters.fhir.values import (
    codings,
    concept_text,
    display,
    has_code,
    narrative,
    parse_date,
    parse_datetime,
    reference_id,
    specialty,
)


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
