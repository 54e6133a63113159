"""Reading aloud on the server: Dutch text in, playable WAV audio out, once per text, within limits."""

import io
import wave
from pathlib import Path

import pytest

TEXT = 'Goedemorgen Wim. Om tien uur komt Sander. Hij helpt je met douchen.'


def audio_of(answer):
    assert answer.status_code == 200, answer.get_json()
    assert answer.mimetype == 'audio/wav'
    with wave.open(io.BytesIO(answer.data)) as sound:
        return sound.getnchannels(), sound.getframerate(), sound.getnframes() / sound.getframerate()


def test_a_dutch_text_becomes_audio_once_and_bad_input_is_refused(app, register):
    reader = register('lees@example.nl')
    channels, rate, seconds = audio_of(reader.post('/api/v1/speech', {'text': TEXT}))
    assert channels == 1 and rate >= 16000 and 3 < seconds < 15  # the whole text, spoken at an easy pace
    folder = Path(app.config['CAREHUB']['INSTANCE_PATH']) / 'speech'
    [kept] = list(folder.glob('*.wav'))
    again = reader.post('/api/v1/speech', {'text': TEXT})
    assert again.data == kept.read_bytes() and len(list(folder.glob('*.wav'))) == 1  # heard before: the cache
    for body in ({'text': ''}, {'text': 'a' * 2001}, {'text': 12}, {}, {'text': TEXT, 'voice': 'en'},
                 {'text': 'Hallo\x00daar'}):
        answer = reader.post('/api/v1/speech', body)
        assert answer.status_code == 422, (body, answer.get_json())
    assert audio_of(reader.post('/api/v1/speech', {'text': 'a' * 2000}))[2] > 1  # the longest text still goes
    assert app.test_client().post('/api/v1/speech', json={'text': TEXT}).status_code in (400, 401)


def test_markup_and_options_in_the_text_are_read_as_words(register):
    reader = register('lees@example.nl')
    for text in ('-w /tmp/x.wav', '<speak><audio src="http://x"/></speak>', '--version'):
        assert audio_of(reader.post('/api/v1/speech', {'text': text}))[2] > 0.2
    assert not Path('/tmp/x.wav').exists()


@pytest.fixture
def speech_limit(app):
    app.config['CAREHUB']['SPEECH_RATE_LIMIT'] = '3 per minute'
    yield
    app.config['CAREHUB']['SPEECH_RATE_LIMIT'] = '30 per minute;600 per day'


def test_reading_aloud_is_limited_per_account(register, speech_limit):
    reader = register('lees@example.nl')
    answers = [reader.post('/api/v1/speech', {'text': f'Zin nummer {n}.'}).status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    assert register('ander@example.nl').post('/api/v1/speech', {'text': 'Hallo.'}).status_code == 200


def test_without_espeak_the_server_says_plainly_it_cannot_read_aloud(register, monkeypatch):
    monkeypatch.setenv('PATH', '/nowhere')  # a server without the Debian package
    answer = register('lees@example.nl').post('/api/v1/speech', {'text': 'Nog niet gehoord.'})
    assert answer.status_code == 503 and answer.get_json()['error']['code'] == 'speech_unavailable'
