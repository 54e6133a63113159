"""The way in for a new relative: the mail can be sent again from "Kijk in je e-mail", the password rule about one's
own name shows before the first try, an invitation's page says who invites for whom and fills in the address, and
a welcome after accepting."""

import re


def _text(response):
    return re.sub(r'\s+', ' ', response.get_data(as_text=True))


def _form(api, path, **data):
    return api.client.post(path, data={'csrf_token': api.token or api.csrf(), **data})


def test_the_mail_again_from_check_your_email(new_api, mailbox):
    visitor = new_api()
    first = _form(visitor, '/register', email='nieuw@example.nl', first_name='Nel', last_name='Bos',
                  accept_terms='yes')
    page = _text(first)
    assert 'Stuur de mail opnieuw' in page and 'value="nieuw@example.nl"' in page
    again = _form(visitor, '/register', email='nieuw@example.nl', first_name='Nel', last_name='Bos',
                  accept_terms='yes', again='1')
    assert 'We hebben de mail opnieuw gestuurd naar nieuw@example.nl' in _text(again)
    mailbox.deliver()
    assert len(mailbox.to('nieuw@example.nl')) == 2  # two links; either works
    link = mailbox.link('nieuw@example.nl', '/activate')
    assert 'Gebruik er niet je naam of je e-mailadres in.' in _text(visitor.client.get(link))


def test_an_invitation_before_login_says_who_and_fills_in_the_address(care_page, new_api, mailbox):
    manager, circle_id, _, _ = care_page
    assert manager.post(f'/api/v1/circles/{circle_id}/invitations',
                        {'email': 'kim@example.nl', 'first_name': 'Kim', 'last_name': 'Vos', 'role': 'basic'}
                        ).status_code == 201
    path = mailbox.link('kim@example.nl', '/invitations/')
    visitor = new_api()
    page = _text(visitor.client.get(path))
    assert 'Mieke Jansen nodigt je uit om te helpen op' in page and 'kim@example.nl' in page
    register = re.search(r'href="(/register\?[^"]+)"', page).group(1).replace('&amp;', '&')
    form = _text(visitor.client.get(register))
    assert 'value="kim@example.nl"' in form and 'value="Kim"' in form
    forged = _text(visitor.client.get(path.split('?')[0] + '?token=forged'))
    assert 'kim@example.nl' not in forged and 'Log in om de uitnodiging te zien' in forged


def test_a_welcome_after_accepting(care_page, register):
    manager, circle_id, _, _ = care_page
    manager.post(f'/api/v1/circles/{circle_id}/invitations',
                 {'email': 'wim@example.nl', 'first_name': 'Wim', 'last_name': 'Bos', 'role': 'basic'})
    helper = register('wim@example.nl', 'Wim', 'Bos')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    accepted = _form(helper, f"/invitations/{invitation['id']}/accept")
    assert accepted.status_code == 303 and 'welcome=1' in accepted.headers['Location']
    assert 'Welkom! Je helpt nu mee op deze zorgpagina.' in _text(helper.client.get(accepted.headers['Location']))
