"""Mapping the people of a dossier: the client, contact persons, practitioners, organizations, care team and
insurance."""


from adapters.fhir.common import _record
from adapters.fhir.values import (
    address,
    codings,
    concept_text,
    display,
    human_name,
    parse_date,
    telecom,
)
from hub.careprovider.adapter import MappedRecord


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
