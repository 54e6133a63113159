"""Every mail reads well before the first sync, when a care page has no name yet: "je zorgpagina", never
"de zorgpagina van ."."""

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import render_template
from flask_babel import force_locale

from hub.core.timeutil import utcnow
from tests.servers import ROOT

MAILS = sorted(path.stem for path in (ROOT / 'hub' / 'templates' / 'mail').glob('*.txt'))


def _context(page):
    person = SimpleNamespace(first_name='Anna', name='Anna de Wit', email='anna@example.nl')
    return {'page': page, 'account': person, 'provider': 'Zorggroep Noord', 'newcomer': 'Kees Bos', 'asker': 'Kees Bos',
            'title': 'Boodschappen', 'asked': SimpleNamespace(title='Boodschappen', starts_at=utcnow()),
            'helper': None, 'days': 3, 'last_day': datetime.now(UTC).date() + timedelta(days=3), 'link': 'https://carehub.test/x',
            'unsubscribe': 'https://carehub.test/u', 'settings': 'https://carehub.test/s', 'manager': 'Mieke Jansen',
            'inviter': person, 'circle_name': page, 'new_manager': person, 'code': '123456', 'minutes': 10,
            'lines': [{'page': page, 'event': 'message', 'count': 2, 'link': 'https://carehub.test/m'}],
            'digest_label': lambda event, count: f'{count} nieuwe berichten', 'since': None,
            'invitation': SimpleNamespace(first_name='Anna', role='basic'), 'reset_link': 'https://carehub.test/r',
            'activation_link': 'https://carehub.test/a', 'hours': 24, 'when': utcnow() + timedelta(days=7),
            'cancel_link': 'https://carehub.test/lost-phone/cancel?token=t'}


@pytest.mark.parametrize('name', MAILS)
def test_a_mail_about_a_care_page_without_a_name_yet(app, name):
    with app.test_request_context(), force_locale('nl'):
        for page in ('', None):
            text = render_template(f'mail/{name}.txt', **_context(page))
            assert not re.search(r'\b(van|of) [.,:]', text), text
            for helper in ('Kees Bos',):
                text = render_template(f'mail/{name}.txt', **{**_context(page), 'helper': helper})
                assert not re.search(r'\b(van|of) [.,:]', text), text


def test_templates_find_the_words_of_the_language_in_force(app):
    """The templates keep the request's translations, yet a mail in another language (force_locale) gets its own."""
    from flask import render_template_string
    with app.test_request_context(headers={'Accept-Language': 'nl'}):
        assert render_template_string("{{ _('Messages') }}") == 'Berichten'
        with force_locale('en'):
            assert render_template_string("{{ _('Messages') }} {{ ngettext('%(num)d new', '%(num)d new', 2) }}") \
                == 'Messages 2 new'
        assert render_template_string("{{ _('Messages') }}") == 'Berichten'
