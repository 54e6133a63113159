"""The client's data from the dossier ("Gegevens"): client data, GP and pharmacy, insurances, contact persons,
the care team. Each section has its own capability; a member sees only the sections they may."""

from flask_babel import lazy_gettext as _l

from hub.careprovider.models import Record
from hub.circle.access import can, check
from hub.circle.dossiers import records_of
from hub.circle.models import Member
from hub.extensions import db

#: section -> (its capability, the kind of record, which records of that kind (practitioners by role))
SECTIONS = {
    'client': ('data.client', 'demographics', None),
    'gp_pharmacy': ('data.gp_pharmacy', 'practitioner', lambda data: data.get('role') != 'care_team'),
    'insurances': ('data.insurance', 'insurance', None),
    'contact_persons': ('data.contacts', 'contact_person', None),
    'care_team': ('data.care_team', 'practitioner', lambda data: data.get('role') == 'care_team'),
}
LABELS = {'client': _l('Client data'), 'gp_pharmacy': _l('GP and pharmacy'), 'insurances': _l('Insurances'),
          'contact_persons': _l('Contact persons'), 'care_team': _l('Care team')}
#: the order GP, pharmacy, others within "GP and pharmacy"
_ROLE_ORDER = {'general_practitioner': 0, 'pharmacy': 1}


def visible_sections(member: Member) -> list:
    """The sections this member may see, in their order."""
    return [name for name, (capability, _, _) in SECTIONS.items() if can(member, capability)]


def sections(member: Member, names) -> dict:
    """Return section -> its rows (Record, Dossier) for the sections named (each one the member may see), read in one
    query."""
    for name in names:
        check(member, SECTIONS[name][0])
    kinds = sorted({SECTIONS[name][1] for name in names})
    rows = db.session.execute(records_of(member, member.circle_id, kinds).order_by(Record.kind, Record.created_at)).all()
    found = {}
    for name in names:
        _, kind, which = SECTIONS[name]
        found[name] = [row for row in rows if row.Record.kind == kind and (which is None or which(row.Record.data))]
        if name == 'gp_pharmacy':
            found[name].sort(key=lambda row: _ROLE_ORDER.get(row.Record.data.get('role'), 2))
    return found


def item_json(row) -> dict:
    record, dossier = row.Record, row.Dossier
    return {'id': str(record.id), 'provider': {'id': str(dossier.provider.id), 'name': dossier.provider.name},
            **record.data}
