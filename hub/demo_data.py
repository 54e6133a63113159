"""Write the demo clients as a FHIR R4 collection Bundle (our own data, dated around today)."""

import base64
import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo('Europe/Amsterdam')
APPROVAL = 'https://carehub.nl/fhir/StructureDefinition/approval-status'
MAIN_CLIENT = 'demo-wim-jansen'
SECOND_CLIENT = 'demo-annie-bakker'

STAFF = ['Fatima El Amrani', 'Joost de Boer', 'Linda Visser', 'Kees Mulder', 'Priya Ramdin']
MORNINGS = [
    'Wim was vanmorgen goed uitgerust en heeft zelf zijn ontbijt klaargemaakt met wat hulp bij het smeren.',
    'Wim had vannacht slecht geslapen en was moe. Hij heeft na het ontbijt nog even gerust in zijn stoel.',
    'Wim heeft gedoucht met ondersteuning. Hij was vrolijk en vertelde over zijn kleinzoon.',
    'Wim wilde vanmorgen niet opstaan. Na een kop koffie ging het beter en is hij mee gaan wandelen.',
    'Medicatie op tijd ingenomen. Wim had geen klachten en heeft de krant gelezen.',
]
AFTERNOONS = [
    'Wim is naar de dagbesteding geweest en heeft daar meegedaan met het sjoelen.',
    'Wim heeft samen met een begeleider boodschappen gedaan bij de supermarkt om de hoek.',
    'Wim had bezoek van zijn dochter Mieke. Ze hebben samen foto\'s bekeken.',
    'Wim klaagde over pijn in zijn knie. Hij heeft een pijnstiller gekregen volgens afspraak; later ging het beter.',
    'Rustige middag. Wim heeft naar muziek geluisterd en een puzzel gemaakt.',
]
APPOINTMENTS = [
    ('Fysiotherapie: oefeningen voor de knie', 'Praktijk Beweegwijs', 'Sander Kok, fysiotherapeut', 45),
    ('Controle bij de huisarts', 'Huisartsenpraktijk De Linde', 'Dr. H. Bos, huisarts', 20),
    ('Dagbesteding De Werkplaats', 'De Werkplaats', 'Team dagbesteding', 240),
    ('Evaluatie ondersteuningsplan', 'Woonlocatie De Horst', 'Linda Visser, persoonlijk begeleider', 60),
    ('Pedicure', 'Woonlocatie De Horst', 'Pedicure Voetenzorg', 30),
]


def _instant(moment):
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def _local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def _patient(client_id, given, family, birth, gender, gp_ref=None):
    patient = {'resourceType': 'Patient', 'id': client_id, 'meta': {'lastUpdated': '2026-01-05T09:00:00Z'},
               'name': [{'use': 'official', 'family': family, 'given': [given]}],
               'gender': gender, 'birthDate': birth,
               'address': [{'line': ['Lindelaan 12'], 'postalCode': '3811 AB', 'city': 'Amersfoort'}]}
    if gp_ref:
        patient['generalPractitioner'] = [{'reference': gp_ref}, {'reference': 'Organization/demo-apotheek'}]
    return patient


def _report(client_id, index, moment, text, author):
    return {'resourceType': 'Observation', 'id': f'{client_id}-report-{index}', 'status': 'final',
            'meta': {'lastUpdated': _instant(moment)},
            'code': {'coding': [{'system': 'http://snomed.info/sct', 'code': '11591000146107',
                                 'display': 'Patiëntcontactverslag'}]},
            'category': [{'text': 'Rapportage'}],
            'subject': {'reference': f'Patient/{client_id}'}, 'effectiveDateTime': _instant(moment),
            'performer': [{'display': author}], 'valueString': text}


def _measurement(client_id, ident, moment, code, display, value=None, unit=None, components=()):
    resource = {'resourceType': 'Observation', 'id': ident, 'status': 'final', 'meta': {'lastUpdated': _instant(moment)},
                'category': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/observation-category',
                                          'code': 'vital-signs'}]}],
                'code': {'coding': [{'system': 'http://loinc.org', 'code': code, 'display': display}]},
                'subject': {'reference': f'Patient/{client_id}'}, 'effectiveDateTime': _instant(moment)}
    if value is not None:
        resource['valueQuantity'] = {'value': value, 'unit': unit, 'system': 'http://unitsofmeasure.org', 'code': unit}
    if components:
        resource['component'] = [
            {'code': {'coding': [{'system': 'http://loinc.org', 'code': c_code, 'display': c_display}]},
             'valueQuantity': {'value': c_value, 'unit': 'mm[Hg]', 'system': 'http://unitsofmeasure.org',
                               'code': 'mm[Hg]'}} for c_code, c_display, c_value in components]
    return resource


def _appointment(client_id, index, start, minutes, text, location, who, status):
    return {'resourceType': 'Appointment', 'id': f'{client_id}-appointment-{index}', 'status': status,
            'meta': {'lastUpdated': '2026-01-05T09:00:00Z'}, 'description': text,
            'start': _instant(start), 'end': _instant(start + timedelta(minutes=minutes)),
            'participant': [{'actor': {'reference': f'Patient/{client_id}'}, 'status': 'accepted'},
                            {'actor': {'display': who}, 'status': 'accepted'},
                            {'actor': {'reference': f'Location/{location.lower().replace(" ", "-")}',
                                       'display': location}, 'status': 'accepted'}]}


def _plan(client_id, today):
    goals = [
        ('goal-1', 'Wim kan zelfstandig een korte wandeling maken van 15 minuten.'),
        ('goal-2', 'Wim slaapt minstens vijf nachten per week goed door.'),
        ('goal-3', 'Wim houdt contact met zijn familie, minstens één keer per week.'),
    ]
    resources = [{'resourceType': 'Goal', 'id': f'{client_id}-{ident}', 'lifecycleStatus': 'active',
                  'meta': {'lastUpdated': '2026-01-05T09:00:00Z'},
                  'description': {'text': text}, 'subject': {'reference': f'Patient/{client_id}'},
                  'startDate': (today - timedelta(days=30)).isoformat(),
                  'target': [{'dueDate': (today + timedelta(days=150)).isoformat()}]} for ident, text in goals]
    activities = [
        ('Elke ochtend samen 10 minuten oefenen met lopen in de gang.', 'goal-1'),
        ('Twee keer per week fysiotherapie voor de knie.', 'goal-1'),
        ('Vast avondritueel: om 22.00 uur naar bed, geen koffie na 16.00 uur.', 'goal-2'),
        ('Elke zondag beeldbellen met dochter Mieke, met hulp van de begeleider.', 'goal-3'),
    ]
    start = _local(today - timedelta(days=30), 9)
    resources.append({
        'resourceType': 'CarePlan', 'id': f'{client_id}-plan-2026', 'status': 'active', 'intent': 'plan',
        'meta': {'lastUpdated': _instant(start)},
        'extension': [{'url': APPROVAL, 'valueCode': 'awaiting-signature'}],
        'title': 'Ondersteuningsplan 2026', 'description': 'Het plan voor wonen, gezondheid en dagbesteding van Wim.',
        'subject': {'reference': f'Patient/{client_id}'},
        'period': {'start': _instant(start), 'end': _instant(start + timedelta(days=365))},
        'goal': [{'reference': f'Goal/{client_id}-{ident}'} for ident, _ in goals],
        'activity': [{'detail': {'status': 'in-progress', 'description': text,
                                 'goal': [{'reference': f'Goal/{client_id}-{goal}'}]}} for text, goal in activities],
    })
    return resources


def _others(client_id):
    return [
        {'resourceType': 'Practitioner', 'id': 'demo-huisarts', 'meta': {'lastUpdated': '2026-01-05T09:00:00Z'},
         'name': [{'family': 'Bos', 'given': ['Hanneke'], 'prefix': ['Dr.']}],
         'telecom': [{'system': 'phone', 'value': '033-1234567'}],
         'qualification': [{'code': {'text': 'Huisarts'}}]},
        {'resourceType': 'Organization', 'id': 'demo-apotheek', 'meta': {'lastUpdated': '2026-01-05T09:00:00Z'},
         'name': 'Apotheek De Lindeboom', 'type': [{'text': 'Apotheek'}],
         'telecom': [{'system': 'phone', 'value': '033-7654321'}]},
        {'resourceType': 'RelatedPerson', 'id': f'{client_id}-mieke', 'meta': {'lastUpdated': '2026-01-05T09:00:00Z'},
         'patient': {'reference': f'Patient/{client_id}'}, 'name': [{'family': 'Jansen', 'given': ['Mieke']}],
         'relationship': [{'text': 'Dochter'}], 'telecom': [{'system': 'phone', 'value': '0612345678'},
                                                              {'system': 'email', 'value': 'mieke@demo.carehub.nl'}]},
    ]


RENDERED = 'http://nictiz.nl/fhir/StructureDefinition/ext-RenderedDosageInstruction'
PERIOD = 'http://nictiz.nl/fhir/StructureDefinition/ext-TimeInterval.Period'


def _medication(client_id, today):
    """Two medication agreements (one current, one ended) and what the client uses, as the Dutch profiles write them."""
    def agreement(ident, name, dose, start, end=None):
        period = {'start': start.isoformat(), **({'end': end.isoformat()} if end else {})}
        return {'resourceType': 'MedicationRequest', 'id': f'{client_id}-{ident}', 'status': 'active',
                'intent': 'order', 'extension': [{'url': RENDERED, 'valueString': dose},
                                                 {'url': PERIOD, 'valuePeriod': period}],
                'category': [{'coding': [{'system': 'http://snomed.info/sct', 'code': '16076005',
                                          'display': 'voorschrijven'}]}],
                'medicationReference': {'display': name}, 'subject': {'reference': f'Patient/{client_id}'},
                'requester': {'display': 'Huisarts De Vries'}, 'authoredOn': start.isoformat()}
    return [agreement('med-1', 'METOPROLOL 50MG TABLET', '1 maal per dag 1 tablet, in de ochtend',
                      today - timedelta(days=200)),
            agreement('med-2', 'OMEPRAZOL 20MG CAPSULE', '1 maal per dag 1 capsule, voor het ontbijt',
                      today - timedelta(days=120), today + timedelta(days=60)),
            agreement('med-3', 'AMOXICILLINE 500MG CAPSULE', '3 maal per dag 1 capsule',
                      today - timedelta(days=40), today - timedelta(days=33))]


def _pdf(lines) -> bytes:
    """A one-page PDF with these lines of text (Helvetica), small and valid: the demo's document."""
    text = ' '.join(f'({line}) Tj 0 -18 Td' for line in lines)
    stream = f'BT /F1 13 Tf 56 780 Td {text} ET'.encode('latin-1')
    objects = [b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
               b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R '
               b'/Resources << /Font << /F1 5 0 R >> >> >>',
               b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream',
               b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']
    out, offsets = bytearray(b'%PDF-1.4\n'), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b'%d 0 obj\n' % number + body + b'\nendobj\n'
    start = len(out)
    out += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    out += b''.join(b'%010d 00000 n \n' % offset for offset in offsets)
    out += b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objects) + 1, start)
    return bytes(out)


def _document(client_id, today):
    """The care agreement as a document of the provider (inline, so the demo needs no server)."""
    data = _pdf(['Zorgovereenkomst', 'Zorggroep Demo en Wim Jansen', '',
                 'Wim krijgt zorg met verblijf.', 'De afspraken staan in het zorgplan.'])
    return {'resourceType': 'DocumentReference', 'id': f'{client_id}-agreement', 'status': 'current',
            'type': {'text': 'Zorgovereenkomst'}, 'subject': {'reference': f'Patient/{client_id}'},
            'date': _instant(_local(today - timedelta(days=300), 11)), 'author': [{'display': 'Zorggroep Demo'}],
            'content': [{'attachment': {'contentType': 'application/pdf', 'title': 'Zorgovereenkomst',
                                        'size': len(data), 'data': base64.b64encode(data).decode()}}]}


def demo_bundle(today=None) -> dict:
    """Return the demo Bundle: a year of daily reports for the main client, and a second client."""
    rng = random.Random(2026)  # noqa: S311  the same demo every time, not a secret
    today = today or datetime.now(AMSTERDAM).date()
    resources = [_patient(MAIN_CLIENT, 'Wim', 'Jansen', '1941-03-14', 'male', 'Practitioner/demo-huisarts')]
    resources += _others(MAIN_CLIENT)
    for offset in range(365, 0, -1):
        day = today - timedelta(days=offset)
        resources.append(_report(MAIN_CLIENT, f'{offset}-m', _local(day, 9, rng.randint(0, 50)),
                                 rng.choice(MORNINGS), rng.choice(STAFF)))
        resources.append(_report(MAIN_CLIENT, f'{offset}-a', _local(day, 16, rng.randint(0, 50)),
                                 rng.choice(AFTERNOONS), rng.choice(STAFF)))
    for week in range(52, 0, -1):
        moment = _local(today - timedelta(weeks=week), 8, 15)
        resources.append(_measurement(MAIN_CLIENT, f'{MAIN_CLIENT}-weight-{week}', moment, '29463-7', 'Body weight',
                                      round(78 + rng.uniform(-1.5, 1.5) - week * 0.03, 1), 'kg'))
        resources.append(_measurement(MAIN_CLIENT, f'{MAIN_CLIENT}-bp-{week}', moment, '85354-9', 'Blood pressure',
                                      components=[('8480-6', 'Systolic blood pressure', rng.randint(125, 150)),
                                                  ('8462-4', 'Diastolic blood pressure', rng.randint(70, 90))]))
    for index in range(-6, 10):
        day = today + timedelta(days=index * 4 + 1)
        text, location, who, minutes = APPOINTMENTS[index % len(APPOINTMENTS)]
        resources.append(_appointment(MAIN_CLIENT, index + 6, _local(day, 10 + index % 5), minutes, text, location,
                                      who, 'fulfilled' if index < 0 else 'booked'))
    resources += _plan(MAIN_CLIENT, today)
    resources += _medication(MAIN_CLIENT, today)
    resources.append(_document(MAIN_CLIENT, today))
    resources.append(_patient(SECOND_CLIENT, 'Annie', 'Bakker', '1938-11-02', 'female'))
    for offset in range(14, 0, -1):
        resources.append(_report(SECOND_CLIENT, offset, _local(today - timedelta(days=offset), 10),
                                 'Annie heeft goed gegeten en was tevreden over de dag.', rng.choice(STAFF)))
    return {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': r} for r in resources]}
