"""Mapping the provider's answers to what carehub asked (FHIR Tasks: a correction, a change of a contact)."""

import re

from adapters.fhir.common import _record
from adapters.fhir.values import (
    codings,
    concept_text,
    parse_datetime,
)

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
