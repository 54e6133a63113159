"""Every capability of the catalogue (seed 000) is checked somewhere: for each one, a member who has every other
capability is refused what it allows, and is allowed it again when it is given back. A capability nothing checks
fails here, because the probes must cover the whole catalogue."""

from datetime import timedelta

from hub.circle.permissions import CAPABILITIES, GRANTABLE, MANAGER_ONLY
from hub.core.timeutil import utcnow
from tests.account.test_photo import image_bytes, upload
from tests.dossier.test_data import _records
from tests.fill import add_member, fill


def _probes(manager, c, contact_id, provider_id, member_id, helper_account_id):
    """capability -> probe(client): True when the client could do what the capability allows."""
    api = f'/api/v1/circles/{c}'
    soon = (utcnow() + timedelta(days=2)).isoformat()

    def sections(client):
        return client.get(f'{api}/data').get_json()['sections']

    def appointment_kinds(client):
        return {item['kind'] for item in client.get(f'{api}/appointments').get_json()['items']}

    def board_post():
        return manager.post(f'{api}/board', {'text': 'Van de beheerder'}).get_json()['id']

    return {
        'messages': lambda m: m.get(f'{api}/messages').status_code == 200,
        'messages.provider': lambda m: m.post(f'{api}/messages', {'text': 'Aan de zorg', 'audience': 'provider',
                                                                  'provider_id': provider_id}).status_code == 201,
        'appointments.own': lambda m: 'own' in appointment_kinds(m),
        'appointments.care': lambda m: 'care' in appointment_kinds(m),
        'appointments.add': lambda m: m.post(f'{api}/appointments', {'title': 'Bezoek', 'starts_at': soon,
                                                                     'visibility': 'private'}).status_code == 201,
        'dossier': lambda m: m.get(f'{api}/plans').status_code == 200,
        'dossier.goals': lambda m: m.get(f'{api}/goals').status_code == 200,
        'dossier.medication': lambda m: m.get(f'{api}/medication').status_code == 200,
        'dossier.reports': lambda m: m.get(f'{api}/timeline').status_code == 200,
        'data.client': lambda m: 'client' in sections(m),
        'data.gp_pharmacy': lambda m: 'gp_pharmacy' in sections(m),
        'data.insurance': lambda m: 'insurances' in sections(m),
        'data.contacts': lambda m: 'contact_persons' in sections(m),
        'data.care_team': lambda m: 'care_team' in sections(m),
        'data.board_post': lambda m: m.post(f'{api}/board', {'text': 'Hallo'}).status_code == 201,
        'data.board_react': lambda m: m.post(f'{api}/board/{board_post()}/reactions',
                                             {'text': 'Mooi'}).status_code == 201,
        'data.board_delete': lambda m: m.delete(f'{api}/board/{board_post()}').status_code == 204,
        'settings.photo': lambda m: manager.get(f'/api/v1/accounts/{helper_account_id}/photo').status_code == 200,
        'settings.profile': lambda m: m.patch(f'{api}/members/{member_id}', {'relation': 'Neef'}).status_code == 200,
        'settings.contacts_edit': lambda m: m.patch(f'{api}/contact-persons/{contact_id}',
                                                    {'phone': '06 12345678'}).status_code == 202,
    }


def test_each_capability_is_what_lets_a_member_do_its_thing(care_page, app, register, db):
    manager, circle_id, dossier_ids, manager_id = care_page
    _records(db, dossier_ids[0])
    fill(app, circle_id, dossier_ids, manager_id, 1)  # reports and care appointments in both dossiers
    api = f'/api/v1/circles/{circle_id}'
    assert manager.post(f'{api}/appointments', {'title': 'Verjaardag', 'visibility': 'public',
                                                'starts_at': (utcnow() + timedelta(days=3)).isoformat()}
                        ).status_code == 201
    helper, member_id = add_member(register, db, circle_id, 'hulp@example.nl', 'trust', sorted(GRANTABLE))
    assert upload(helper, image_bytes('PNG'), 'h.png').status_code == 201
    helper_account_id = helper.get('/api/v1/me').get_json()['id']
    contact_id = manager.get(f'{api}/data').get_json()['sections']['contact_persons'][0]['id']
    provider_id = manager.get(api).get_json()['providers'][0]['id']
    probes = _probes(manager, circle_id, contact_id, provider_id, member_id, helper_account_id)
    assert set(probes) | MANAGER_ONLY == CAPABILITIES  # every capability has its probe

    def grant(capabilities):
        answer = manager.patch(f'{api}/members/{member_id}', {'permissions': sorted(capabilities)})
        assert answer.status_code == 200, answer.get_json()

    refused_without = {}
    for capability, probe in probes.items():
        # a part of the dossier is allowed by the whole dossier too: it is probed without both
        grant(GRANTABLE - {capability} - ({'dossier'} if capability.startswith('dossier.') else set()))
        refused_without[capability] = not probe(helper)
        grant(GRANTABLE)
        assert probe(helper), f'{capability}: not allowed with every capability'
    assert [code for code, refused in refused_without.items() if not refused] == []

    for capability in MANAGER_ONLY:  # never to a helper; the manager has it
        refused = manager.patch(f'{api}/members/{member_id}', {'permissions': sorted(GRANTABLE | {capability})})
        assert refused.status_code == 422
    assert helper.post(f'{api}/contact-persons', {'name': 'Piet', 'dossier_id': str(dossier_ids[0])}
                       ).status_code == 403
    assert manager.post(f'{api}/contact-persons', {'name': 'Piet', 'dossier_id': str(dossier_ids[0])}
                        ).status_code == 202
