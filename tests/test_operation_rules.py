"""Every operation applies its rule itself, on its first line (#29): called directly, without HTTP, by a member who
lacks the one capability it needs, it refuses; given that capability, it does not refuse (it may still find nothing).
So a new caller (a route, the worker, an app's API) cannot skip the rule the route used to hold."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from hub.circle.access import MANAGE, READ_DOSSIER
from hub.circle.permissions import CAPABILITIES, GRANTABLE, MANAGER_ONLY
from hub.core.errors import AppError, Forbidden
from tests.fill import add_member

CALENDAR = ('appointments.own', 'appointments.care', 'appointments.add')
#: a part of the dossier: the whole dossier, or the part's own capability (the client's goals and medication, the
#: reports the manager ticks for the client)
GOALS, MEDICATION, REPORTS = ((READ_DOSSIER, f'dossier.{part}') for part in ('goals', 'medication', 'reports'))


def _operations():
    """(name, capability, call(member, account, other)): ``other`` is another member of the same care page."""
    from hub.apps import operations as apps
    from hub.circle import board, help, messages
    from hub.circle import calendar as diary
    from hub.circle import operations as circle
    from hub.connect import operations as connect
    from hub.dossier import (
        accesses,
        contacts,
        corrections,
        data,
        documents,
        goals,
        hiding,
        measurements,
        medication,
        plans,
        shares,
        timeline,
    )
    from hub.dossier import operations as dossier
    nobody = uuid.uuid4()
    invitee = {'email': 'nieuw@example.nl', 'first_name': 'Nieuw', 'last_name': 'Lid', 'role': 'basic'}
    return [
        ('read_timeline', REPORTS, lambda m, a, o: timeline.read_timeline(m)),
        ('timeline', REPORTS, lambda m, a, o: timeline.timeline(m)),
        ('read_by_category', READ_DOSSIER, lambda m, a, o: dossier.read_by_category(m)),
        ('read_report', REPORTS, lambda m, a, o: dossier.read_report(m, nobody)),
        ('my_goals', GOALS, lambda m, a, o: goals.my_goals(m)),
        ('say about a goal', GOALS, lambda m, a, o: goals.say(m, a, nobody, 'want')),
        ('say about a goal, writing', 'messages', lambda m, a, o: goals.say(m, a, nobody, 'want')),
        ('plans', READ_DOSSIER, lambda m, a, o: plans.plans(m)),
        ('read_plan', READ_DOSSIER, lambda m, a, o: plans.read_plan(m, nobody)),
        ('measurements', READ_DOSSIER, lambda m, a, o: measurements.measurements(m)),
        ('documents_of', READ_DOSSIER, lambda m, a, o: documents.documents_of(m)),
        ('open_document', READ_DOSSIER, lambda m, a, o: documents.open_document(m, nobody)),
        ('upload', READ_DOSSIER, lambda m, a, o: documents.upload(m, a, 'Brief', None)),
        ('medication_list', MEDICATION, lambda m, a, o: medication.medication_list(m)),
        ('add_medication', READ_DOSSIER, lambda m, a, o: medication.add(m, a, {'name': 'Paracetamol', 'dose': '1'})),
        ('upcoming_appointments', 'appointments.care', lambda m, a, o: dossier.upcoming_appointments(m)),
        ('sections client', 'data.client', lambda m, a, o: data.sections(m, ['client'])),
        ('sections gp_pharmacy', 'data.gp_pharmacy', lambda m, a, o: data.sections(m, ['gp_pharmacy'])),
        ('sections insurances', 'data.insurance', lambda m, a, o: data.sections(m, ['insurances'])),
        ('sections care_team', 'data.care_team', lambda m, a, o: data.sections(m, ['care_team'])),
        ('contact_person', 'data.contacts', lambda m, a, o: contacts.contact_person(m, nobody)),
        ('contact requests', 'data.contacts', lambda m, a, o: contacts.requests_of(m)),
        ('request_contact', 'settings.contacts_edit',
         lambda m, a, o: contacts.request_contact(m, a, {'phone': '0612345678'}, record_id=nobody)),
        ('start_thread', 'messages', lambda m, a, o: messages.start_thread(m, a, 'Hallo', audience='all')),
        ('write to the provider', 'messages.provider',
         lambda m, a, o: messages.start_thread(m, a, 'Vraag', audience='provider', provider_id=nobody)),
        ('add_post', 'data.board_post', lambda m, a, o: board.add_post(m, a, 'Hallo')),
        ('react', 'data.board_react', lambda m, a, o: board.react(m, a, nobody, 'Mooi')),
        ('add_entry', 'appointments.add', lambda m, a, o: diary.add_entry(m, a, {
            'title': 'Bezoek', 'starts_at': None, 'all_day': True, 'day': date(2030, 1, 1), 'visibility': 'private'})),
        ('change_profile', 'settings.profile', lambda m, a, o: circle.change_profile(m, m, {'relation': 'Neef'})),
        ('help request', CALENDAR, lambda m, a, o: help.sign_up(m, a, nobody)),
        ('change_member', MANAGE, lambda m, a, o: circle.change_member(m, o, {'role': 'trust'})),
        ('remove_member', MANAGE, lambda m, a, o: circle.remove_member(m, o)),
        ('invite_helper', MANAGE, lambda m, a, o: circle.invite_helper(m, invitee)),
        ('pending_invitations', MANAGE, lambda m, a, o: circle.pending_invitations(m)),
        ('open_invitation', MANAGE, lambda m, a, o: circle.open_invitation(m, nobody)),
        ('resend_invitation', MANAGE, lambda m, a, o: circle.resend_invitation(m, nobody)),
        ('revoke_invitation', MANAGE, lambda m, a, o: circle.revoke_invitation(m, nobody)),
        ('hide', MANAGE, lambda m, a, o: hiding.hide(m, a, nobody, o.id)),
        ('show', MANAGE, lambda m, a, o: hiding.show(m, a, nobody, o.id)),
        ('make share', MANAGE, lambda m, a, o: shares.make(m, a, ['reports'], 1, 1)),
        ('shares_of', MANAGE, lambda m, a, o: shares.shares_of(m)),
        ('revoke share', MANAGE, lambda m, a, o: shares.revoke(m, a, nobody)),
        ('approve_plan', MANAGE, lambda m, a, o: plans.approve_plan(m, a, nobody, '1')),
        ('decline_plan', MANAGE, lambda m, a, o: plans.decline_plan(m, a, nobody, '1', 'Nee')),
        ('correctable', MANAGE, lambda m, a, o: corrections.correctable(m, nobody)),
        ('ask correction', MANAGE, lambda m, a, o: corrections.ask(m, a, nobody, 'Dit klopt niet')),
        ('correction requests', MANAGE, lambda m, a, o: corrections.requests_of(m)),
        ('access_log', MANAGE, lambda m, a, o: accesses.access_log(m)),
        ('apps on the page', MANAGE, lambda m, a, o: apps.page_grants(m)),
        ('stop an app on the page', MANAGE, lambda m, a, o: apps.stop_on_page(m, nobody)),
        ('unlink_dossier', MANAGE, lambda m, a, o: connect.unlink_dossier(m, nobody)),
        ('delete_care_page', MANAGE, lambda m, a, o: connect.delete_care_page(m)),
    ]


def _without(capability):
    """The permissions of a helper who has everything a helper can have, but ``capability``."""
    if capability == MANAGE:
        return sorted(GRANTABLE)  # everything, and still not the manager
    return sorted(GRANTABLE - set(capability if isinstance(capability, tuple) else (capability,)))


def test_the_operations_cover_the_catalogue():
    """Each capability a helper can be given (and the manager's own) is the rule of an operation tested below; two
    are not a gate of an operation: ``settings.photo`` says whether others see one's photo, ``data.board_delete``
    lets one remove others' posts (an author removes their own without it; tests/circle/test_every_capability.py)."""
    needed = set()
    for _, capability, _ in _operations():
        needed |= set(capability if isinstance(capability, tuple) else (capability,))
    assert needed >= (CAPABILITIES - MANAGER_ONLY - {'settings.photo', 'data.board_delete'}) | {MANAGE}


@pytest.mark.parametrize('name, capability, call', _operations(), ids=[name for name, _, _ in _operations()])
def test_an_operation_refuses_a_member_without_its_capability(name, capability, call, app, care_page, register, db):
    from hub.account.models import Account
    from hub.circle.models import Member
    from hub.extensions import db as database
    _, circle_id, _, _ = care_page
    _, lacking_id = add_member(register, db, circle_id, 'zonder@example.nl', 'trust', permissions=_without(capability))
    _, other_id = add_member(register, db, circle_id, 'ander@example.nl', 'basic', first_name='Ander')
    complete = sorted(GRANTABLE)
    with app.test_request_context():
        def run(member_id):
            member = database.session.get(Member, member_id)
            other = database.session.get(Member, other_id)
            try:
                call(member, database.session.get(Account, member.account_id), other)
                return None
            except AppError as exc:
                return exc
            finally:
                database.session.rollback()  # whatever it did, it does not stay

        refusal = run(lacking_id)
        assert isinstance(refusal, Forbidden), f'{name} without {capability}: {refusal!r}'
        manager_id = database.session.execute(select(Member.id).where(
            Member.circle_id == circle_id, Member.role == 'manager')).scalar_one()
        if capability != MANAGE:
            database.session.execute(Member.__table__.update().where(Member.id == lacking_id)
                                     .values(permissions=complete))
            database.session.commit()
        allowed = run(manager_id if capability == MANAGE else lacking_id)
        assert not isinstance(allowed, Forbidden), f'{name} with {capability}: {allowed!r}'
