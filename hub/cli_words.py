"""What the commands share: they run in English, and an operation's refusal reads as one message."""

import functools

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from hub.core.errors import AppError


def in_english(command):
    """Run an operator's command in the app, in English like the rest of the command line (refusals of the operations
    are in the default language otherwise)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        with force_locale('en'):
            return command(*args, **kwargs)
    return with_appcontext(run)


def refusal(exc: AppError) -> click.ClickException:
    """An operation's refusal as the command line says it: the message, then each field's problems on a line."""
    lines = [str(exc.message)]
    for field, problems in (exc.fields or {}).items():
        for problem in problems if isinstance(problems, list) else [problems]:
            lines.append(f'  {field}: {problem}')
    return click.ClickException('\n'.join(lines))
