"""What the FHIR mappers share: code systems, carehub's extensions, and the record a mapper makes."""


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


def _coding(coding):
    return {'system': coding.get('system'), 'code': coding.get('code'), 'display': coding.get('display')}


def _extension(resource, url, kind='valueCode'):
    return next((e.get(kind) for e in resource.get('extension') or [] if e.get('url') == url), None)
