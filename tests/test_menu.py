"""The phone menu on a care page: that page's parts the member may use first, then the account's items, "Uitloggen"
last; "Dossier koppelen" only for a manager or away from a care page."""

import re


def _menu(api, path):
    page = api.client.get(path).get_data(as_text=True)
    narrow = page[page.index('class="menu-narrow"'):]
    narrow = narrow[:narrow.index('</details>')]
    return [re.sub(r'\s+', ' ', text).strip() for text in re.findall(r'<a [^>]*>([^<]+)</a>', narrow)]


def test_the_phone_menu_per_role(care_page, register):
    manager, circle_id, _, _ = care_page
    manager.post(f'/api/v1/circles/{circle_id}/invitations',
                 {'email': 'bas@example.nl', 'first_name': 'Bas', 'last_name': 'Bos', 'role': 'basic'})
    basic = register('bas@example.nl', 'Bas', 'Bos')
    [invitation] = basic.get('/api/v1/invitations').get_json()['items']
    assert basic.post(f"/api/v1/invitations/{invitation['id']}/accept").status_code == 200

    managing = _menu(manager, f'/circles/{circle_id}')
    assert managing[0] == 'Start van de zorgpagina' and managing[-1] == 'Uitloggen'
    assert {'Berichten', 'Rapportages', 'Mensen en zorgaanbieders', 'Dossier koppelen'} <= set(managing)
    helping = _menu(basic, f'/circles/{circle_id}')
    assert helping[0] == 'Start van de zorgpagina' and helping[-1] == 'Uitloggen'
    assert 'Rapportages' not in helping and 'Dossier koppelen' not in helping  # neither theirs to use
    away = _menu(basic, '/profile')
    assert 'Start van de zorgpagina' not in away and away[-1] == 'Uitloggen'


def test_to_do_links_land_on_their_item(care_page, register):
    from datetime import UTC, datetime, timedelta
    manager, circle_id, _, _ = care_page
    manager.post(f'/api/v1/circles/{circle_id}/invitations',
                 {'email': 'ans@example.nl', 'first_name': 'Ans', 'last_name': 'Bos', 'role': 'basic'})
    helper = register('ans@example.nl', 'Ans', 'Bos')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    helper.post(f"/api/v1/invitations/{invitation['id']}/accept")
    start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    asked = manager.post(f'/api/v1/circles/{circle_id}/help-requests',
                         {'title': 'Rit naar de tandarts', 'kind': 'ride', 'starts_at': start.isoformat()})
    assert asked.status_code == 201, asked.get_json()
    sent = manager.post(f'/api/v1/circles/{circle_id}/messages', {'text': 'Zondag op bezoek?', 'audience': 'all'})
    assert sent.status_code == 201, sent.get_json()

    start_page = helper.client.get(f'/circles/{circle_id}').get_data(as_text=True)
    todo = start_page[start_page.index('id="todo-heading"'):start_page.index('</section>', start_page.index(
        'id="todo-heading"'))]
    links = dict((path, anchor) for path, anchor in re.findall(r'href="([^"#]+)#([^"]+)"', todo))
    assert set(links.values()) == {f"help-{asked.get_json()['id']}", 'unread'}
    for path, anchor in links.items():
        assert f'id="{anchor}"' in helper.client.get(path).get_data(as_text=True), path


def test_a_part_not_open_to_a_helper_says_why_and_leads_back(care_page, register):
    manager, circle_id, _, _ = care_page
    manager.post(f'/api/v1/circles/{circle_id}/invitations',
                 {'email': 'bo@example.nl', 'first_name': 'Bo', 'last_name': 'Bos', 'role': 'basic'})
    helper = register('bo@example.nl', 'Bo', 'Bos')
    [invitation] = helper.get('/api/v1/invitations').get_json()['items']
    helper.post(f"/api/v1/invitations/{invitation['id']}/accept")
    refused = helper.client.get(f'/circles/{circle_id}/timeline')
    page = re.sub(r'\s+', ' ', refused.get_data(as_text=True))
    assert refused.status_code == 403 and '<title>Dit deel is niet voor jou open – carehub</title>' in page
    assert 'De beheerder van de zorgpagina bepaalt wie wat ziet' in page
    assert f'href="/circles/{circle_id}">Terug naar de zorgpagina' in page
    missing = helper.client.get(f'/circles/{circle_id}/reports/00000000-0000-0000-0000-000000000000')
    assert missing.status_code in (403, 404)
    lost = helper.client.get('/circles/00000000-0000-0000-0000-000000000000/calendar')
    assert lost.status_code == 404 and 'Dit kunnen we niet vinden' in lost.get_data(as_text=True)


def test_a_new_care_page_fetches_and_lists_the_first_steps(care_page):
    manager, circle_id, _, _ = care_page
    page = re.sub(r'\s+', ' ', manager.client.get(f'/circles/{circle_id}').get_data(as_text=True))
    assert 'We halen de gegevens op bij je zorgaanbieder' in page and 'waiting.js' in page
    assert 'Je eerste stappen' in page
    assert '✓</span> Kies hoe je laat zien dat jij het bent' in page  # the app is set up: ticked
    assert '>Nodig je familie uit, of anderen die helpen</a>' in page
    manager.post(f'/api/v1/circles/{circle_id}/invitations',
                 {'email': 'zus@example.nl', 'first_name': 'Zus', 'last_name': 'Bos', 'role': 'trust'})
    page = re.sub(r'\s+', ' ', manager.client.get(f'/circles/{circle_id}').get_data(as_text=True))
    assert '✓</span> Nodig je familie uit' in page
    manager.patch('/api/v1/me/notifications', {'settings': {'report': 'daily'}})
    page = manager.client.get(f'/circles/{circle_id}').get_data(as_text=True)
    assert 'Je eerste stappen' not in page  # all done: the list goes


def test_fields_for_one_answer_are_revealed_by_it_and_shown_without_script(care_page):
    manager, circle_id, _, _ = care_page
    new = manager.client.get(f'/circles/{circle_id}/calendar/new').get_data(as_text=True)
    repeat = re.search(r'<div class="reveal-nested" data-reveal-for="repeat" data-reveal-unless="none"([^>]*)>', new)
    assert repeat and 'hidden' not in repeat.group(1)  # without script: all fields show
    assert new.index('data-reveal-for="repeat"') < new.index('name="interval"')
    message = manager.client.get(f'/circles/{circle_id}/messages/new').get_data(as_text=True)
    assert 'data-reveal-for="audience" data-reveal-when="chosen"' in message or 'name="recipients"' not in message
