"""The shared medication list: the provider's entries (FHIR MedicationStatement, MedicationRequest, MedicationDispense,
mapped into records of kind ``medication``) beside what members added themselves (over the counter, supplements),
each marked with its source; current first, then stopped. Behind the dossier capability."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.circle.access import today
from hub.circle.dossiers import records_of
from hub.core.audit import audit
from hub.dossier.models import OwnMedication
from hub.extensions import db


def _status(stopped, ends_on, on) -> str:
    return 'stopped' if stopped or (ends_on is not None and ends_on < on) else 'current'


def medication_list(circle_id) -> list:
    """Every entry as a dict (``source`` provider or member), current ones first, then by name."""
    on = today()
    items = []
    for row in db.session.execute(records_of(circle_id, ('medication',))).all():
        data = row.Record.data
        ends_on = date.fromisoformat(data['ends_on']) if data.get('ends_on') else None
        items.append({'id': str(row.Record.id), 'source': 'provider', 'name': data['name'], 'dose': data.get('dose'),
                      'starts_on': data.get('starts_on'), 'ends_on': data.get('ends_on'),
                      'status': _status(data.get('stopped'), ends_on, on), 'kind': data.get('source'),
                      'prescriber': data.get('prescriber'), 'reason': data.get('reason'),
                      'provider': {'id': str(row.Dossier.provider_id), 'name': row.Dossier.provider.name}})
    for own in db.session.execute(select(OwnMedication).options(joinedload(OwnMedication.author))
                                  .where(OwnMedication.circle_id == circle_id)).scalars():
        items.append({'id': str(own.id), 'source': 'member', 'name': own.name, 'dose': own.dose,
                      'starts_on': own.starts_on.isoformat() if own.starts_on else None,
                      'ends_on': own.ends_on.isoformat() if own.ends_on else None,
                      'status': _status(False, own.ends_on, on), 'added_by': {'name': own.author.name}})
    return sorted(items, key=lambda item: (item['status'] != 'current', item['name'].casefold()))


def add(member, account, data) -> OwnMedication:
    """A member adds medication of their own to the list."""
    own = OwnMedication(circle_id=member.circle_id, author_id=account.id, name=data['name'], dose=data['dose'],
                        starts_on=data.get('starts_on'), ends_on=data.get('ends_on'))
    db.session.add(own)
    db.session.flush()
    audit('dossier.medication_add', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'medication:{own.id}')
    return own
