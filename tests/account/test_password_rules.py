"""Every password length the rules accept works, and the meter never praises what the rules refuse."""

import pytest

from tests.conftest import PASSWORD

#: a long sentence, as the password pages advise: 80 characters, past what zxcvbn takes (72)
LONG = 'de blauwe fietsen staan al jaren op de dijk bij het oude veer naar de overkant!!'
#: the longest the rules take, and one more
LONGEST = ('wij fietsen elke zondag langs de rivier naar oma ' * 6)[:256]


def test_a_long_sentence_works_everywhere_a_password_is_set(api, register, mailbox, new_api):
    assert len(LONG) == 80 and len(LONGEST) == 256
    strength = api.post('/api/v1/password/strength', {'password': LONG})
    assert strength.status_code == 200 and strength.get_json()['ok'], strength.get_json()
    assert api.post('/api/v1/password/strength', {'password': LONGEST}).get_json()['ok']

    owner = register('long@example.nl', password=LONG, totp=False)  # activation
    response = owner.post('/api/v1/me/password', {'current_password': LONG, 'password': LONGEST})
    assert response.status_code == 200, response.get_json()

    other = new_api()
    other.post('/api/v1/password/forgot', {'email': 'long@example.nl'})
    token = mailbox.link('long@example.nl', '/password/reset').split('token=')[1]
    response = other.post('/api/v1/password/reset', {'token': token, 'password': LONG + ' en terug'})
    assert response.status_code == 200, response.get_json()
    assert new_api().post('/api/v1/session', {'email': 'long@example.nl',
                                              'password': LONG + ' en terug'}).status_code == 200


def test_above_the_maximum_a_clear_refusal(api, register):
    owner = register('max@example.nl', totp=False)
    response = owner.post('/api/v1/me/password', {'current_password': PASSWORD, 'password': LONGEST + 'x'})
    assert response.status_code == 422
    error = response.get_json()['error']
    assert error['code'] == 'weak_password' and '256' in error['fields']['password'][0]
    meter = api.post('/api/v1/password/strength', {'password': LONGEST + 'x'})
    assert meter.status_code == 200 and not meter.get_json()['ok']


@pytest.mark.parametrize('password', ['Welkom12345!', 'Zomer2025!zomer', 'wachtwoord2024!', 'kort'])
def test_the_meter_shows_the_rules_verdict(api, password):
    result = api.post('/api/v1/password/strength', {'password': password}).get_json()
    assert not result['ok'] and result['problems']
    assert result['score'] <= 1  # "Zwak" at most: never "Sterk" above a refusal


def test_a_sentence_of_common_words_still_passes(api):
    result = api.post('/api/v1/password/strength', {'password': PASSWORD}).get_json()
    assert result['ok'] and result['score'] >= 3
