"""Map Ons models (ons.md §2-7) into common-model records."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from hub.careprovider.adapter import MappedRecord

AMSTERDAM = ZoneInfo('Europe/Amsterdam')
LOINC = 'http://loinc.org'

#: reportTypeId -> its Dutch name (the catalogue in the Report schema; codes may differ per customer)
REPORT_TYPES = {
    101: 'Rapportage', 102: 'Gewicht', 103: 'Bloeddruk', 104: 'Temperatuur', 105: 'Bloedsuiker',
    106: 'Vocht inname', 107: 'Vocht uitscheiding', 108: 'Defecatie', 109: 'Medisch', 110: 'Voortgang',
    111: 'Familie communicatie', 112: 'Keten communicatie', 309: 'Stemming', 310: 'Omaha', 311: 'Saturatie',
    314: 'Pijnscore', 315: 'SOEP', 316: 'Bristol-stoelgangschaal', 317: 'Klinimetrie',
}
#: report types that are measurements: reportTypeId -> (series, LOINC code, the report entry that holds the value)
MEASUREMENTS = {
    102: ('body_weight', '29463-7', 'weight', 'kg'),
    103: ('blood_pressure', '85354-9', None, 'mm[Hg]'),
    104: ('body_temperature', '8310-5', 'decimalValue', 'Cel'),
    311: ('oxygen_saturation', '59408-5', 'decimalValue', '%'),
}
SOAP_PARTS = {'Subjective': 'S', 'Objective': 'O', 'Assessment': 'E', 'Evaluation': 'E', 'Plan': 'P'}
INSURANCE_TYPES = {'BV': 'Basisverzekering', 'AV': 'Aanvullende verzekering', 'TV': 'Tandverzekering',
                   'HV': 'Hoofdverzekering'}
PLAN_STATUS = {'DRAFT': 'draft', 'ACTIVE': 'active', 'OLD': 'completed'}


def parse_datetime(value) -> datetime | None:
    """Read an Ons date-time (``2014-04-01T17:00:00.000+02:00``; without an offset it is Dutch time)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=AMSTERDAM)).astimezone(UTC)


def _date(value) -> str | None:
    """The date of an Ons date or date-time (several dates are typed date-time), as ISO text."""
    parsed = parse_datetime(value) if isinstance(value, str) and len(value) > 10 else None
    if parsed:
        return parsed.astimezone(AMSTERDAM).date().isoformat()
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except (TypeError, ValueError):
        return None


def person_name(model) -> str | None:
    """The name a person goes by: roepnaam (or first name), prefix, last name; else Ons's full ``name``."""
    first = model.get('givenName') or model.get('firstName')
    parts = [first, model.get('prefix'), model.get('lastName')]
    return ' '.join(p for p in parts if p) or model.get('name') or None


def _record(kind, source_id, data, occurred_at=None, code=None):
    return MappedRecord(kind=kind, source_id=source_id, data=data, occurred_at=occurred_at, code=code)


def map_client(model):
    name = person_name(model)
    if not name:
        return []
    gender = {'M': 'male', 'MALE': 'male', 'V': 'female', 'F': 'female', 'FEMALE': 'female'}.get(
        str(model.get('gender') or '').upper(), 'unknown' if model.get('gender') else None)
    return [_record('demographics', f"client/{model['id']}", {
        'name': name, 'given': model.get('givenName') or model.get('firstName'),
        'family': ' '.join(p for p in (model.get('prefix'), model.get('lastName')) if p) or None,
        'birth_date': _date(model.get('dateOfBirth')), 'gender': gender, 'address': None,
        'phone': model.get('mobilePhone')})]


def map_relation(model):
    name = person_name(model)
    if not name:
        return []
    kind = model.get('clientContactRelationType') or model.get('personalRelationType') or {}
    addresses = model.get('addresses') or []
    phone = next((a.get('telephoneNumber') or a.get('telephoneNumber2') for a in addresses
                  if a.get('telephoneNumber') or a.get('telephoneNumber2')), None)
    email = next((a['email'] for a in addresses if a.get('email')), None)
    return [_record('contact_person', f"client_contact_relation/{model['id']}", {
        'name': name, 'relationship': kind.get('name') if isinstance(kind, dict) else None, 'phone': phone,
        'email': email})]


def map_insurance(model):
    insurer = (model.get('insurer') or {}).get('organizationName')
    if not insurer:
        return []
    return [_record('insurance', f"insurance/{model['id']}", {
        'insurer': insurer, 'kind': INSURANCE_TYPES.get(model.get('insuranceType'), model.get('insuranceType')),
        'policy_number': model.get('registrationNumber'), 'status': None,
        'period_start': _date(model.get('beginDate')), 'period_end': _date(model.get('endDate'))})]


def shown(report) -> bool:
    """A report is never shown when it is confidential, hidden, or about a restrictive measure."""
    return not (report.get('confidential') or report.get('hidden') or report.get('restrictiveMeasureId'))


def _entries(report):
    return {e.get('name'): e for e in report.get('reportEntries') or [] if isinstance(e, dict)}


def _number(entry):
    try:
        value = float(str((entry or {}).get('value')).replace(',', '.'))
    except ValueError:
        return None
    return value if value == value else None  # not NaN


#: how the reports carehub writes begin (outbound items); read back, they are not shown a second time
OWN_PREFIXES = {'message': 'Bericht via carehub', 'note': 'Notitie van de cliënt via carehub',
                'plan_approval': 'Zorgplan goedgekeurd via carehub',
                'plan_declination': 'Zorgplan niet goedgekeurd via carehub',
                'contact_person_add': 'Verzoek contactpersoon toevoegen via carehub',
                'contact_person_change': 'Verzoek contactpersoon wijzigen via carehub',
                'correction': 'Verzoek om correctie via carehub'}
#: the user name carehub sends in X-Cupido-User-Name, which Ons keeps as the author of what it writes
OWN_USER = 'carehub'


def written_by_carehub(model) -> bool:
    return model.get('createdBy') == OWN_USER or str(model.get('comment') or '').startswith(
        tuple(OWN_PREFIXES.values()))


def map_report(model):
    if not shown(model) or written_by_carehub(model):
        return []  # never shown; or written by carehub itself (a message or note already on the page)
    when = parse_datetime(model.get('reportingDate'))
    if when is None:
        return []
    type_id = model.get('reportTypeId')
    source_id = f"report/{model['id']}"
    kind = model.get('reportType') or {}
    measurement = measurement_of(type_id, kind)
    if measurement:
        return _measurement(model, source_id, when, measurement, kind.get('name'))
    soap = [f"{SOAP_PARTS.get(part.get('soapPart'), part.get('soapPart') or '')}: {part['content']}".lstrip(': ')
            for part in model.get('soapReportEntries') or []
            if part.get('content') and not part.get('confidential')]
    text = '\n'.join(filter(None, [model.get('comment'), *soap]))
    if not text:
        return []
    author = ' '.join(p for p in (model.get('carenName'), f"({model['carenRole']})" if model.get('carenRole') else None)
                      if p) or None
    profile = model.get('expertiseProfile') or {}
    return [_record('report', source_id, {
        'text': text, 'title': None, 'author': author, 'category': kind.get('name') or REPORT_TYPES.get(type_id),
        'discipline': profile.get('description') if isinstance(profile, dict) else None,
        'occurred_at': when.isoformat()}, occurred_at=when)]


def measurement_of(type_id, kind):
    """The measurement a report type holds: by the customer's catalogue (value type and unit), else by Nedap's ids."""
    value_type, unit, name = kind.get('valueType'), (kind.get('unit') or '').lower(), (kind.get('name') or '').lower()
    if value_type == 'BMI':
        return MEASUREMENTS[102]
    if value_type == 'BloodPressure':
        return MEASUREMENTS[103]
    if value_type == 'Decimal' and unit in ('°c', 'c', 'cel'):
        return MEASUREMENTS[104]
    if value_type == 'Decimal' and 'saturatie' in name:
        return MEASUREMENTS[311]
    return None if kind else MEASUREMENTS.get(type_id)


def _measurement(model, source_id, when, measurement, type_name=None):
    series, loinc, entry_name, unit = measurement
    entries = _entries(model)
    code = {'system': LOINC, 'code': loinc,
            'display': type_name or REPORT_TYPES.get(model['reportTypeId']) or series}
    value, components = None, []
    if series == 'blood_pressure':
        for name, comp_code in (('systolicPressure', '8480-6'), ('diastolicPressure', '8462-4'),
                                ('heartRate', '8867-4')):
            number = _number(entries.get(name))
            if number is not None:
                components.append({'code': {'system': LOINC, 'code': comp_code, 'display': name},
                                   'value': number, 'unit': '/min' if name == 'heartRate' else unit})
        if not components:
            return []
    else:
        value = _number(entries.get(entry_name))
        if value is None:
            return []
    return [_record('measurement', source_id, {
        'code': code, 'series': series, 'value': value, 'unit': (entries.get(entry_name) or {}).get('unit') or unit,
        'components': components, 'occurred_at': when.isoformat()}, occurred_at=when, code=series)]


def _domain(*catalogue_items) -> str | None:
    """The name of the first visible domain (levensgebied, e.g. "Gezondheid") of these catalogue items."""
    for item in catalogue_items:
        domain = item.get('domain') if isinstance(item, dict) else None
        if isinstance(domain, dict) and domain.get('name') and not domain.get('hidden'):
            return domain['name']
    return None


def map_care_plan(model):
    """The plan, its goals (GoalEntry) and problems (DemandEntry, as conditions); hidden catalogue items left out.

    Ons has one care plan per client (the client plan: no work plans per discipline) and no evaluation dates
    (ons.md §6.2). Each entry groups a problem (the focus point, "aandachtspunt"), a goal and its actions; the
    goal's area is the domain of its catalogue items, its result the percentage realised of the target.
    """
    status = PLAN_STATUS.get(model.get('status'))
    if status is None:
        return []
    begin, end = parse_datetime(model.get('beginDate')), parse_datetime(model.get('endDate'))
    records, goal_ids, activities = [], [], []
    for entry in model.get('carePlanEntries') or []:
        goal_entry = entry.get('goalEntry') or {}
        goal = goal_entry.get('goal') or {}
        demand_entry = entry.get('demandEntry') or {}
        demand = demand_entry.get('demand') or {}
        problem = demand.get('definition') if demand_entry.get('id') and not demand.get('hidden') else None
        goal_source = None
        if goal_entry.get('id') and not goal.get('hidden'):
            description = goal_entry.get('title') or goal.get('definition')
            if description:
                goal_source = f"care_plan/{model['id']}#goal_entry/{goal_entry['id']}"
                goal_ids.append(goal_source)
                records.append(_record('goal', goal_source, {
                    'description': description, 'lifecycle_status': GOAL_STATUS.get(status),
                    'achievement': _realised(entry.get('percentageRealized'), entry.get('percentageTarget')),
                    'start': _date(model.get('beginDate')), 'due': _date(goal_entry.get('targetDate')),
                    'area': _domain(goal, demand), 'focus': problem,
                    'problem': demand_entry.get('comment') or None, 'client_status': None}))
        if problem:
            records.append(_record('condition', f"care_plan/{model['id']}#demand_entry/{demand_entry['id']}", {
                'description': problem, 'code': None, 'clinical_status': 'active',
                'category': _domain(demand), 'onset': None}))
        for action_entry in entry.get('actionEntries') or []:
            action = action_entry.get('action') or {}
            description = action_entry.get('title') or action.get('definition')
            if description and not action.get('hidden'):
                activities.append({'description': description, 'status': None, 'problem': problem,
                                   'discipline': None, 'goal_ids': [goal_source] if goal_source else []})
    records.insert(0, _record('plan', f"care_plan/{model['id']}", {
        'title': 'Zorgplan', 'status': status, 'description': None, 'version': model.get('updatedAt'),
        'period_start': begin.isoformat() if begin else None, 'period_end': end.isoformat() if end else None,
        'approval': 'none', 'goal_ids': goal_ids, 'activities': activities, 'plan_type': 'client',
        'discipline': None, 'evaluated_on': None, 'next_evaluation_on': None}, occurred_at=begin))
    return records


#: a plan's status -> its goals' (FHIR Goal.lifecycleStatus)
GOAL_STATUS = {'draft': 'proposed', 'active': 'active', 'completed': 'completed'}


def _realised(realised, target) -> str | None:
    """The percentage of a goal realised, with its target when it has one ("40% van 80%")."""
    if not isinstance(realised, int) or isinstance(realised, bool):
        return None
    if isinstance(target, int) and not isinstance(target, bool) and target:
        return f'{realised}% van {target}%'
    return f'{realised}%' if realised else None


def _at(day, clock):
    try:
        moment = datetime.combine(date.fromisoformat(day), time.fromisoformat(clock) if clock else time(0),
                                  tzinfo=AMSTERDAM)
    except (TypeError, ValueError):
        return None
    return moment.astimezone(UTC)


def map_agenda_occurrence(model):
    if model.get('private'):
        return []  # a private appointment of staff is not the client's
    start = parse_datetime(model.get('startsAt')) or _at(model.get('occurrenceDate'), model.get('startTime'))
    if start is None:
        return []
    end = parse_datetime(model.get('endsAt')) or _at(model.get('occurrenceDate'), model.get('endTime'))
    return [_record('appointment', f"agenda_occurrence/{model['id']}", {
        'start': start.isoformat(), 'end': end.isoformat() if end and end > start else None,
        'status': 'fulfilled' if model.get('registered') else 'booked', 'description': model.get('name'),
        'location': model.get('customLocation'), 'participants': []}, occurred_at=start)]


#: Ons model type -> mapping function
MAPPERS = {
    'client': map_client,
    'client_contact_relation': map_relation,
    'insurance': map_insurance,
    'report': map_report,
    'care_plan': map_care_plan,
    'agenda_occurrence': map_agenda_occurrence,
}
