"""Items for the provider as FHIR R4 resources: a Communication for a message, a note or a declined plan, a Provenance
for an approval, a Task for a request to add or change a contact person or to correct an item of the dossier.

The resource id is carehub's item id, and it is sent with PUT: sending it again changes nothing. Each resource is
what its fhir.resources (R4B) model writes, so what carehub sends is valid FHIR by construction.
"""

from fhir.resources.R4B import get_fhir_model_class

from adapters.fhir.clinical import OWN_CATEGORY  # read back, these are skipped
from adapters.fhir.tasks import CORRECTION_CODE, CORRECTION_TYPES
from hub.careprovider.adapter import AdapterError

#: Signature.type for a sign-off (ASTM E1762-95 "Verification Signature")
VERIFICATION = {'system': 'urn:iso-astm:E1762-95:2013', 'code': '1.2.840.10065.1.12.1.5',
                'display': 'Verification Signature'}


def resource_id(item_id: str) -> str:
    return f'carehub-{item_id}'


def communication(kind, client_id, item_id, content):
    category = {'message': ('message', 'Bericht van de zorgpagina'), 'note': ('note', 'Notitie van de cliënt')}[kind]
    resource = {
        'resourceType': 'Communication', 'id': resource_id(item_id), 'status': 'completed',
        'identifier': [{'system': 'urn:ietf:rfc:3986', 'value': f'urn:uuid:{item_id}'}],
        'category': [{'coding': [{'system': OWN_CATEGORY, 'code': category[0], 'display': category[1]}]}],
        'subject': {'reference': f'Patient/{client_id}'}, 'sent': content['written_at'],
        'sender': {'display': f"{content['author']} ({content['author_role']})" if content.get('author_role')
                   else content['author']},
        'payload': [{'contentString': content['text']}]}
    if content.get('topic'):
        resource['topic'] = {'text': content['topic']}
    if content.get('in_response_to'):
        resource['inResponseTo'] = [{'reference': content['in_response_to']}]
    return resource


def provenance(client_id, item_id, content):
    plan = content['plan'] if content['plan'].startswith('CarePlan/') else f"CarePlan/{content['plan']}"
    who = {'display': content['approved_by']}
    return {
        'resourceType': 'Provenance', 'id': resource_id(item_id),
        'target': [{'reference': f"{plan}/_history/{content['version']}"}],
        'recorded': content['approved_at'], 'occurredDateTime': content['approved_at'],
        'activity': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', 'code': 'UPDATE',
                                 'display': 'revise'}],
                     'text': 'Zorgplan goedgekeurd door de cliënt of vertegenwoordiger'},
        'agent': [{'type': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
                                        'code': 'verifier', 'display': 'Verifier'}]},
                   'who': who, 'onBehalfOf': {'reference': f'Patient/{client_id}'}}],
        'signature': [{'type': [VERIFICATION], 'when': content['approved_at'], 'who': who,
                       'data': content['seal']}]}


def declination(client_id, item_id, content):
    """A Communication about the plan version that says it is not approved, and why (the person's words)."""
    plan = content['plan'] if content['plan'].startswith('CarePlan/') else f"CarePlan/{content['plan']}"
    return {
        'resourceType': 'Communication', 'id': resource_id(item_id), 'status': 'completed',
        'identifier': [{'system': 'urn:ietf:rfc:3986', 'value': f'urn:uuid:{item_id}'}],
        'category': [{'coding': [{'system': OWN_CATEGORY, 'code': 'plan-declined',
                                  'display': 'Zorgplan niet goedgekeurd'}]}],
        'subject': {'reference': f'Patient/{client_id}'},
        'about': [{'reference': f"{plan}/_history/{content['version']}"}],
        'sent': content['declined_at'], 'sender': {'display': content['declined_by']},
        'payload': [{'contentString': f"Zorgplan (versie {content['version']}) niet goedgekeurd: {content['comment']}"}]}


def contact_task(kind, client_id, item_id, content):
    """A Task (intent ``proposal``) for the provider's staff: add this contact person, or change their details to these.

    The proposed details are a contained RelatedPerson, named in the Task's input; a change points at the one
    it changes with ``focus``. The provider's dossier stays the source: staff decide.
    """
    telecom = [{'system': system, 'value': content[key]} for system, key in (('phone', 'phone'), ('email', 'email'))
               if content.get(key)]
    proposed = {'resourceType': 'RelatedPerson', 'id': 'proposed', 'patient': {'reference': f'Patient/{client_id}'},
                'name': [{'text': content['name']}]}
    if content.get('relationship'):
        proposed['relationship'] = [{'text': content['relationship']}]
    if telecom:
        proposed['telecom'] = telecom
    change = kind == 'contact_person_change'
    what = 'Contactpersoon wijzigen' if change else 'Contactpersoon toevoegen'
    task = {
        'resourceType': 'Task', 'id': resource_id(item_id), 'status': 'requested', 'intent': 'proposal',
        'identifier': [{'system': 'urn:ietf:rfc:3986', 'value': f'urn:uuid:{item_id}'}],
        'contained': [proposed],
        'code': {'coding': [{'system': 'http://hl7.org/fhir/CodeSystem/task-code',
                             'code': 'change' if change else 'fulfill'}], 'text': what},
        'description': f"{what} via carehub: {content['name']}",
        'for': {'reference': f'Patient/{client_id}'}, 'authoredOn': content['requested_at'],
        'requester': {'display': content['requested_by']},
        'input': [{'type': {'text': 'Voorgestelde gegevens'}, 'valueReference': {'reference': '#proposed'}}]}
    if change and content.get('contact'):
        task['focus'] = {'reference': content['contact']}
    return task


def correction_task(client_id, item_id, content):
    """A Task after HL7's Patient Request for Corrections: code ``medRecCxReq``, focus the item that is wrong, the
    request itself a contained Communication named in the input. Staff set the status (received, accepted, rejected,
    completed) and answer in ``output``, ``statusReason`` or a note; the next sync reads it back (mapping.map_task).
    """
    subject = {'reference': f'Patient/{client_id}'}
    code = {'coding': [{'system': CORRECTION_TYPES, 'code': CORRECTION_CODE,
                        'display': 'Medical Record Correction Request'}], 'text': 'Verzoek om correctie'}
    request = {'resourceType': 'Communication', 'id': 'request', 'status': 'completed', 'subject': subject,
               'category': [code], 'about': [{'reference': content['record']}], 'sent': content['requested_at'],
               'sender': {'display': content['requested_by']},
               'payload': [{'contentString': content['text']}]}
    return {
        'resourceType': 'Task', 'id': resource_id(item_id), 'status': 'requested', 'intent': 'order',
        'identifier': [{'system': 'urn:ietf:rfc:3986', 'value': f'urn:uuid:{item_id}'}],
        'contained': [request], 'code': code,
        'description': f"Verzoek om correctie via carehub over: {content['about']}",
        'focus': {'reference': content['record'], 'display': content['about']},
        'for': subject, 'authoredOn': content['requested_at'], 'lastModified': content['requested_at'],
        'requester': {'display': content['requested_by']},
        'input': [{'type': code, 'valueReference': {'reference': '#request'}}]}


def outbound(kind, client_id, item_id, content):
    if kind in ('message', 'note'):
        return _made(communication(kind, client_id, item_id, content))
    if kind == 'plan_approval':
        return _made(provenance(client_id, item_id, content))
    if kind == 'plan_declination':
        return _made(declination(client_id, item_id, content))
    if kind in ('contact_person_add', 'contact_person_change'):
        return _made(contact_task(kind, client_id, item_id, content))
    if kind == 'correction':
        return _made(correction_task(client_id, item_id, content))
    raise AdapterError(f'no FHIR format for {kind}', permanent=True)


def _made(resource: dict) -> dict:
    """The resource as its fhir.resources (R4B) model builds and writes it (one that is not valid FHIR raises)."""
    return get_fhir_model_class(resource['resourceType'])(**resource).model_dump(mode='json', exclude_none=True)
