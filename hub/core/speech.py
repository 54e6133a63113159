"""Text read aloud by the server, for a browser without a Dutch voice: espeak-ng (Debian package) speaks it in Dutch
as a WAV file. Each text is spoken once: the audio is kept in <instance>/speech under the hash of the text and the
voice, the oldest going when the cache is full (SPEECH_CACHE_SIZE)."""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from hub.config import setting
from hub.core.errors import AppError

#: espeak-ng's voice for each language carehub speaks
VOICES = {'nl': 'nl', 'en': 'en-gb'}
#: words a minute: a little slower than espeak-ng's 175, for people who listen carefully
SPEED = 150
#: the longest text read aloud at once (a page's cards one by one, or a page)
MAX_CHARACTERS = 2000
TIMEOUT_SECONDS = 30


class SpeechUnavailable(AppError):
    status = 503
    code = 'speech_unavailable'


def spoken(text: str, language: str = 'nl') -> bytes:
    """Return ``text`` spoken in ``language`` as WAV audio, from the cache when it was spoken before."""
    voice = VOICES.get(language, VOICES['nl'])
    folder = Path(setting('INSTANCE_PATH')) / 'speech'
    path = folder / f"{hashlib.sha256(f'{voice}:{SPEED}:{text}'.encode()).hexdigest()}.wav"
    if path.exists():
        path.touch()  # recently heard: the last to go
        return path.read_bytes()
    audio = _speak(text, voice)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix='.part', delete=False) as part:
        part.write(audio)
    os.replace(part.name, path)  # whole or not at all, also with two requests at once
    _trim(folder, setting('SPEECH_CACHE_SIZE'))
    return audio


def _speak(text: str, voice: str) -> bytes:
    program = shutil.which('espeak-ng')
    if program is None:
        raise SpeechUnavailable(_l('Reading aloud is not available on this server.'))
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / 'speech.wav'
        # the text on stdin, never as an argument; without -m, markup in it is read as text
        try:
            result = subprocess.run([program, '-v', voice, '-s', str(SPEED), '-w', str(out), '--stdin'],  # noqa: S603
                                    input=text.encode(), capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired:
            result = None
        if result is None or result.returncode != 0 or not out.exists():
            raise SpeechUnavailable(_l('Reading aloud is not available on this server.'))
        return out.read_bytes()


def _trim(folder: Path, keep: int):
    """Remove the least recently heard texts beyond ``keep``."""
    files = sorted(folder.glob('*.wav'), key=lambda file: file.stat().st_mtime, reverse=True)
    for file in files[keep:]:
        file.unlink(missing_ok=True)
