"""How a carer is doing: the EDIZ (nine statements), the score over time for the person alone, support when it is
high, a monthly reminder one may turn off."""

import re
from datetime import timedelta

from sqlalchemy import update

from tests.circle.test_api import _care_page, _join

HEAVY = [4, 3, 2, 3, 4, 3, 2, 4, 3]  # all nine count: 9
LIGHT = [0, 1, 0, 2, 1, 0, 0, 1, 0]  # one counts: 1


def test_the_list_and_its_history_are_the_persons_own(app, register, provider, coupling_code, db):
    from hub.core.models import AuditRecord
    manager, circle = _care_page(register, provider, coupling_code)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    url = '/api/v1/me/wellbeing'
    first = basic.get(url).get_json()
    questionnaire = first['questionnaire']
    assert questionnaire['name'] == 'EDIZ' and len(questionnaire['questions']) == 9 and first['due'] is True
    assert [s['label'] for s in questionnaire['scale']] == ['Nee!', 'Nee', 'Min of meer', 'Ja', 'Ja!']
    assert questionnaire['questions'][4]['text'] == 'Mijn zelfstandigheid komt in de knel.' and first['items'] == []

    light = basic.post(url, {'answers': LIGHT})
    assert light.status_code == 201, light.get_json()
    assert (light.get_json()['score'], light.get_json()['level'], light.get_json()['support']) == (1, 'low', False)
    heavy = basic.post(url, {'answers': HEAVY}).get_json()
    assert (heavy['score'], heavy['level'], heavy['support']) == (9, 'high', True)
    middle = basic.post(url, {'answers': [2, 2, 2, 2, 0, 0, 0, 0, 0]}).get_json()
    assert (middle['score'], middle['level'], middle['support']) == (4, 'moderate', True)
    mine = basic.get(url).get_json()
    assert [item['score'] for item in mine['items']] == [4, 9, 1] and mine['due'] is False  # newest first
    assert db.count(AuditRecord, AuditRecord.event == 'account.wellbeing') == 3

    # nobody else sees it: not the manager, not on the care page
    assert manager.get(url).get_json()['items'] == []
    for path in (f"/circles/{circle['id']}", f"/circles/{circle['id']}/members"):
        assert 'van de 9' not in manager.get(path).get_data(as_text=True)
    assert manager.delete(f"{url}/{heavy['id']}").status_code == 404
    assert basic.delete(f"{url}/{heavy['id']}").status_code == 204
    assert [item['score'] for item in basic.get(url).get_json()['items']] == [4, 1]
    assert basic.delete(f"{url}/nee").status_code == 404

    # someone who helps on no care page
    stranger = register('s@example.nl', 'Sanne', 'Vreemd')
    refused = stranger.get(url)
    assert refused.status_code == 403 and refused.get_json()['error']['code'] == 'not_helping'
    assert stranger.post(url, {'answers': LIGHT}).status_code == 403


def test_bad_answers_change_nothing(app, register, provider, coupling_code, db):
    from hub.circle.models import WellbeingCheck
    manager, _ = _care_page(register, provider, coupling_code)
    url = '/api/v1/me/wellbeing'
    for body in ({}, {'answers': LIGHT[:8]}, {'answers': LIGHT + [0]}, {'answers': [5] + LIGHT[1:]},
                 {'answers': [-1] + LIGHT[1:]}, {'answers': ['2'] + LIGHT[1:]}, {'answers': [True] + LIGHT[1:]},
                 {'answers': [1.5] + LIGHT[1:]}, {'answers': None}, {'answers': 'nee'},
                 {'answers': LIGHT, 'score': 0}, [LIGHT]):
        answer = manager.post(url, body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert set(answer.get_json()['error']) >= {'code', 'message'}
    assert manager.post(url, data='{', headers={'Content-Type': 'application/json'}).status_code in (400, 422)
    assert db.count(WellbeingCheck) == 0


def test_the_page(app, register, provider, coupling_code, db):
    manager, _ = _care_page(register, provider, coupling_code)
    token = manager.csrf()
    page = manager.get('/wellbeing').get_data(as_text=True)
    assert 'Hoe gaat het met jou?' in page and 'Ik moet altijd maar klaarstaan voor mijn naaste.' in page
    half = manager.client.post('/wellbeing', data={'csrf_token': token, 'q1': '4', 'q2': '3'})
    html = half.get_data(as_text=True)
    assert half.status_code == 422 and 'Kies een antwoord.' in html and 'href="#q3"' in html
    odd = manager.client.post('/wellbeing', data={'csrf_token': token, **{f'q{n}': '²' for n in range(1, 10)}})
    assert odd.status_code == 422
    done = manager.client.post('/wellbeing', data={'csrf_token': token,
                                                  **{f'q{n}': str(a) for n, a in enumerate(HEAVY, 1)}})
    assert done.status_code == 303
    shown = manager.get(done.headers['Location']).get_data(as_text=True)
    assert 'Je score: 9 van de 9' in shown and 'Mantelzorglijn' in shown and 'Steun voor jou' in shown
    check_id = re.search(r'name="check_id" value="([^"]+)"', shown).group(1)
    assert manager.client.post('/wellbeing', data={'csrf_token': token, 'action': 'remove',
                                                   'check_id': check_id}).status_code == 303
    assert 'Je hebt de lijst nog niet ingevuld.' in manager.get('/wellbeing').get_data(as_text=True)


def test_a_monthly_reminder_that_one_may_stop(app, register, provider, coupling_code, mailbox, db):
    from hub.account.models import Account
    from hub.circle.wellbeing import remind
    from hub.core.commit import unit_of_work
    from hub.core.timeutil import utcnow
    manager, circle = _care_page(register, provider, coupling_code)
    basic, _ = _join(manager, circle, register, 'basic@example.nl', 'basic')
    register('alone@example.nl', 'Anna', 'Alleen')  # on no care page: never asked
    before = len(mailbox.deliver())

    def run(now):
        with app.test_request_context(), unit_of_work():
            return remind(now)

    assert run(utcnow()) == 0  # new accounts wait a month
    db.execute(update(Account).values(created_at=utcnow() - timedelta(days=40)))
    assert run(utcnow()) == 2 and run(utcnow() + timedelta(days=1)) == 0  # once
    mails = mailbox.deliver()[before:]
    assert sorted(m['To'] for m in mails) == ['basic@example.nl', 'manager@example.nl']
    assert mails[0]['Subject'] == 'Hoe gaat het met jou?' and '/wellbeing' in mails[0].get_content()
    assert mails[0]['List-Unsubscribe']
    # the care page asks too, until the list is filled in
    assert 'negen korte vragen' in basic.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert basic.post('/api/v1/me/wellbeing', {'answers': LIGHT}).status_code == 201
    assert 'negen korte vragen' not in basic.get(f"/circles/{circle['id']}").get_data(as_text=True)

    # removing a list does not make one due: the time of the last answer stays
    check_id = basic.get('/api/v1/me/wellbeing').get_json()['items'][0]['id']
    assert basic.delete(f'/api/v1/me/wellbeing/{check_id}').status_code == 204
    assert run(utcnow() + timedelta(days=2)) == 0

    # stopped on the page: no more mails; a month on, the manager is asked again
    token = basic.csrf()
    assert basic.client.post('/wellbeing', data={'csrf_token': token, 'action': 'reminder',
                                                 'reminder': 'off'}).status_code == 303
    assert 'Je krijgt geen herinnering.' in basic.get('/wellbeing').get_data(as_text=True)
    assert run(utcnow() + timedelta(days=31)) == 1
    assert [m['To'] for m in mailbox.deliver()[before + 2:]] == ['manager@example.nl']
