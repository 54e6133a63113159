"""The shared medication list: the provider's entries (FHIR MedicationStatement, MedicationRequest, MedicationDispense,
mapped into records of kind ``medication``) beside what members added themselves (over the counter, supplements),
each marked with its source; current first, then stopped. Behind the dossier capability."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hub.circle.access import MANAGE, READ_DOSSIER, check, check_reads, require_author_or, today
from hub.circle.dossiers import records_of
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.errors import NotFound
from hub.dossier.models import OwnMedication
from hub.extensions import db


def _status(stopped, ends_on, on) -> str:
    return 'stopped' if stopped or (ends_on is not None and ends_on < on) else 'current'


def is_stopped(data: dict, on=None) -> bool:
    """Whether a medication record's data say it is stopped: marked so, or its last day has passed."""
    ends_on = date.fromisoformat(data['ends_on']) if data.get('ends_on') else None
    return _status(data.get('stopped'), ends_on, on or today()) == 'stopped'


def medication_list(member: Member) -> list:
    """Every entry as a dict (``source`` provider or member), current ones first, then by name."""
    check_reads(member, 'medication')
    circle_id = member.circle_id
    on = today()
    items = []
    for row in db.session.execute(records_of(member, circle_id, ('medication',))).all():
        data = row.Record.data
        ends_on = date.fromisoformat(data['ends_on']) if data.get('ends_on') else None
        items.append({'id': str(row.Record.id), 'source': 'provider', 'name': data['name'], 'dose': data.get('dose'),
                      'starts_on': data.get('starts_on'), 'ends_on': data.get('ends_on'),
                      'status': _status(data.get('stopped'), ends_on, on), 'kind': data.get('source'),
                      'prescriber': data.get('prescriber'), 'reason': data.get('reason'),
                      'provider': {'id': str(row.Dossier.provider_id), 'name': row.Dossier.provider.name}})
        if row.Dossier.uploaded_by:  # from a FHIR file a member uploaded, not from a provider
            items[-1].update(provider=None, uploaded_by={'name': row.Dossier.uploader.name})
    items += [own_json(own, on) for own in db.session.execute(
        select(OwnMedication).options(joinedload(OwnMedication.author))
        .where(OwnMedication.circle_id == circle_id)).scalars()]
    return sorted(items, key=lambda item: (item['status'] != 'current', item['name'].casefold()))


def own_json(own, on=None) -> dict:
    """An entry a member added, as the list shows it."""
    return {'id': str(own.id), 'source': 'member', 'name': own.name, 'dose': own.dose,
            'starts_on': own.starts_on.isoformat() if own.starts_on else None,
            'ends_on': own.ends_on.isoformat() if own.ends_on else None,
            'status': _status(False, own.ends_on, on or today()), 'added_by': {'name': own.author.name},
            'author_id': str(own.author_id)}


def remove(member: Member, account, entry_id):
    """Remove an entry of one's own from the list (its author, or the manager tidying up); 404 for any other."""
    own = db.session.execute(select(OwnMedication).where(OwnMedication.id == entry_id,
                                                         OwnMedication.circle_id == member.circle_id)
                             ).scalar_one_or_none()
    if own is None:
        raise NotFound(_l('This medication is not on the list of this care page.'))
    require_author_or(member, account, own.author_id, MANAGE,
                      _l('Only the person who added it, or the manager, removes it.'))
    db.session.delete(own)
    audit('dossier.medication_remove', 'D', actor=account, role=member.role, circle=member.circle_id,
          target=f'medication:{entry_id}')


def add(member: Member, account, data) -> OwnMedication:
    """A member adds medication of their own to the list."""
    check(member, READ_DOSSIER)
    own = OwnMedication(circle_id=member.circle_id, author_id=account.id, name=data['name'], dose=data['dose'],
                        starts_on=data.get('starts_on'), ends_on=data.get('ends_on'))
    db.session.add(own)
    db.session.flush()
    audit('dossier.medication_add', 'C', actor=account, role=member.role, circle=member.circle_id,
          target=f'medication:{own.id}')
    return own
