"""Random sequences of invite, accept, decline, remove, change, leave and transfer keep the rules."""

import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

PEOPLE = 5
CLIENTS = itertools.count()


def test_one_manager_and_no_reading_without_permission(app, register, provider, coupling_code, db):

    from hub.circle.models import Member
    name = provider()
    people = [register(f'person{n}@example.nl', first_name=f'P{n}') for n in range(PEOPLE)]

    class CareCircle(RuleBasedStateMachine):
        @initialize()
        def new_care_page(self):
            self.client_id = f'client-{next(CLIENTS)}'
            self.manager = 0
            circle = people[0].post('/api/v1/connections', {'code': coupling_code(name, self.client_id)}).get_json()
            self.base = f"/api/v1/circles/{circle['id']}"
            self.circle_id = circle['id']
            self.members = {0: 'manager'}  # person -> role
            self.custom = {}  # person -> chosen capabilities
            self.invited = set()

        def _member_id(self, person):
            items = people[self.manager].get(f'{self.base}/members').get_json()['items']
            return next(m['id'] for m in items if m['first_name'] == f'P{person}')

        @rule(person=st.integers(0, PEOPLE - 1), role=st.sampled_from(['basic', 'trust']))
        def invite(self, person, role):
            response = people[self.manager].post(f'{self.base}/invitations', {
                'email': f'person{person}@example.nl', 'first_name': 'X', 'last_name': 'Y', 'role': role})
            if person in self.members or person in self.invited:
                assert response.status_code == 409, response.get_json()
            else:
                assert response.status_code == 201, response.get_json()
                self.invited.add(person)

        def _answer(self, person, answer):
            items = people[person].get('/api/v1/invitations').get_json()['items']
            mine = [i for i in items if i['circle_id'] == self.circle_id]
            assert bool(mine) == (person in self.invited)
            if mine:
                response = people[person].post(f"/api/v1/invitations/{mine[0]['id']}/{answer}")
                assert response.status_code == 200, response.get_json()
                self.invited.discard(person)
                if answer == 'accept':
                    self.members[person] = mine[0]['role']

        @rule(person=st.integers(0, PEOPLE - 1))
        def accept(self, person):
            self._answer(person, 'accept')

        @rule(person=st.integers(0, PEOPLE - 1))
        def decline(self, person):
            self._answer(person, 'decline')

        @rule(person=st.integers(0, PEOPLE - 1))
        def remove(self, person):
            if person not in self.members or person == self.manager:
                return
            response = people[self.manager].delete(f'{self.base}/members/{self._member_id(person)}')
            assert response.status_code == 204
            del self.members[person]
            self.custom.pop(person, None)

        @rule(person=st.integers(0, PEOPLE - 1))
        def leave(self, person):
            if person not in self.members or person == self.manager:
                return
            response = people[person].delete(f'{self.base}/members/{self._member_id(person)}')
            assert response.status_code == 204
            del self.members[person]
            self.custom.pop(person, None)

        @rule(person=st.integers(0, PEOPLE - 1), dossier=st.booleans(), role=st.sampled_from(['basic', 'trust']))
        def change(self, person, dossier, role):
            if person not in self.members or person == self.manager:
                return
            chosen = ['messages', 'dossier'] if dossier else ['messages']
            response = people[self.manager].patch(f'{self.base}/members/{self._member_id(person)}',
                                                  {'role': role, 'permissions': chosen})
            assert response.status_code == 200, response.get_json()
            self.members[person] = role
            self.custom[person] = dossier

        @rule(person=st.integers(0, PEOPLE - 1))
        def transfer(self, person):
            response = people[person].post('/api/v1/connections',
                                           {'code': coupling_code(name, self.client_id, transfer=True)})
            assert response.status_code == 201, response.get_json()
            if person != self.manager:
                self.members[self.manager] = 'trust'
                self.custom.pop(self.manager, None)
                self.custom.pop(person, None)
                self.invited.discard(person)
                self.members[person] = 'manager'
                self.manager = person

        @invariant()
        def exactly_one_manager(self):
            import uuid
            managers = db.count(Member, Member.circle_id == uuid.UUID(self.circle_id), Member.role == 'manager')
            assert managers == 1
            roles = [m['role'] for m in people[self.manager].get(f'{self.base}/members').get_json()['items']]
            assert roles.count('manager') == 1 and len(roles) == len(self.members)

        @invariant()
        def only_permitted_members_read_the_timeline(self):
            for person in range(PEOPLE):
                status = people[person].get(f'{self.base}/timeline').status_code
                if person not in self.members:
                    assert status == 404
                elif person in self.custom:
                    assert status == (200 if self.custom[person] else 403)
                else:
                    assert status == (403 if self.members[person] == 'basic' else 200)

    run_state_machine_as_test(CareCircle, settings=settings(
        max_examples=12, stateful_step_count=10, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck)))
    assert db.count(Member) >= 1
