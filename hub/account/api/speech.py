"""Reading aloud on the server, for a browser without a Dutch voice."""

from flask import Response
from flask_babel import get_locale

from hub.account.access import account_key, current_account, speech_limit
from hub.account.api.base import bp
from hub.account.schemas import SpeechSchema
from hub.core.speech import spoken
from hub.extensions import limiter

#: the answer: a WAV file, mono
WAV = {'description': 'The text spoken', 'content': {'audio/wav': {'schema': {'type': 'string',
                                                                             'contentMediaType': 'audio/wav'}}}}


@bp.post('/speech')
@bp.doc(responses={'200': WAV})
@limiter.limit(speech_limit, key_func=account_key)
@bp.arguments(SpeechSchema)
def speech(data):
    """Read a text aloud in my language (at most 2,000 characters): WAV audio, made once per text

    For a browser without a Dutch voice of its own; 503 speech_unavailable when the server cannot speak.
    """
    current_account()
    audio = spoken(data['text'], str(get_locale()))
    return Response(audio, mimetype='audio/wav', headers={'Cache-Control': 'private, max-age=86400'})
