"""``carehub demo`` sets up a working instance on SQLite, and its pages show the demo client."""

import os
import re
import subprocess
import sys

from tests.conftest import Api


def demo_app(instance):
    """Create an app on a demo instance folder, with cheap password hashing."""
    from hub import create_app
    os.environ['CAREHUB_INSTANCE_PATH'] = str(instance)
    try:
        return create_app({'ARGON2_TIME_COST': 1, 'ARGON2_MEMORY_COST': 1024, 'ARGON2_PARALLELISM': 1})
    finally:
        del os.environ['CAREHUB_INSTANCE_PATH']


def test_demo_sets_up_an_instance_with_logins_and_a_code(tmp_path):
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(tmp_path)}
    env.pop('CAREHUB_DATABASE_URL', None)
    carehub = os.path.join(os.path.dirname(sys.executable), 'carehub')
    result = subprocess.run([carehub, 'demo', '--no-serve'], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "'created': 862" in result.stdout
    password = re.search(r'password: (.+)\)', result.stdout).group(1)
    coupling = re.search(r'[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}', result.stdout).group(0)
    again = subprocess.run([carehub, 'demo', '--no-serve'], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "'unchanged': 862" in again.stdout

    app = demo_app(tmp_path)
    manager = Api(app)
    response = manager.post('/api/v1/session', {'email': 'mieke@demo.carehub.nl', 'password': password})
    assert response.get_json()['second_factor'] == ['totp']
    code = subprocess.run([carehub, 'demo', '--code', 'mieke@demo.carehub.nl'], env=env, capture_output=True,
                          text=True, timeout=60).stdout.strip()
    response = manager.post('/api/v1/session/second-factor', {'method': 'totp', 'code': code})
    assert response.status_code == 200, response.get_json()
    [circle] = manager.get('/api/v1/circles').get_json()['items']
    assert circle['name'] == 'Wim Jansen' and circle['role'] == 'manager'
    page = manager.get(f"/circles/{circle['id']}", follow_redirects=True).get_data(as_text=True)
    assert 'Wim Jansen' in page and 'Nieuwste rapportages' in page and 'Komende afspraken' in page
    assert page.count('class="card card-report"') == 3
    timeline = manager.get(f"/api/v1/circles/{circle['id']}/timeline").get_json()
    assert len(timeline['items']) == 20 and timeline['next']

    basic = Api(app)
    basic.post('/api/v1/session', {'email': 'sanne@demo.carehub.nl', 'password': password})
    code = subprocess.run([carehub, 'demo', '--code', 'sanne@demo.carehub.nl'], env=env, capture_output=True,
                          text=True, timeout=60).stdout.strip()
    assert basic.post('/api/v1/session/second-factor', {'method': 'totp', 'code': code}).status_code == 200
    assert basic.get(f"/api/v1/circles/{circle['id']}/timeline").status_code == 403
    page = basic.get(f"/circles/{circle['id']}").get_data(as_text=True)
    assert 'Wim Jansen' in page and 'Nieuwste rapportages' not in page
    [visit] = basic.get(f"/api/v1/circles/{circle['id']}/messages").get_json()['items']  # not the trust group's
    assert visit['subject'] == 'Bezoek zondag' and visit['unread'] == 0  # they answered in it: read
    texts = [m['text'] for m in basic.get(f"/api/v1/circles/{circle['id']}/messages/{visit['id']}").get_json()[
        'messages']]
    assert texts == ['Zondag komt de hele familie op bezoek. Wie neemt er taart mee?', 'Ik neem appeltaart mee!']
    assert basic.get(f"/api/v1/circles/{circle['id']}/board").get_json()['items'][0]['reactions']
    [plan] = manager.get(f"/api/v1/circles/{circle['id']}/plans").get_json()['items']
    assert plan['approval'] == 'awaiting_signature'
    linked = manager.post('/api/v1/connections', {'code': coupling})  # Annie Bakker on a page of her own
    assert linked.status_code == 201
    from hub.demo import demo_round
    demo_round(app)  # what the demo server does every few seconds: the new dossier is synced at once
    annie = manager.get(f"/api/v1/circles/{linked.get_json()['id']}/timeline").get_json()['items']
    assert annie, 'the dossier linked with the printed code is still empty'
    digests = [path for path in (tmp_path / 'mail').glob('*.eml') if b"Subject: Wat nieuw is op je zorgpagina's" in path.read_bytes()]
    assert digests, 'the demo sends the daily mail in its first round'


def test_demo_contact_persons_are_suggested_on_the_invite_page(tmp_path):
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(tmp_path)}
    carehub = os.path.join(os.path.dirname(sys.executable), 'carehub')
    result = subprocess.run([carehub, 'demo', '--no-serve'], env=env, capture_output=True, text=True, timeout=120)
    password = re.search(r'password: (.+)\)', result.stdout).group(1)
    app = demo_app(tmp_path)
    manager = Api(app)
    manager.post('/api/v1/session', {'email': 'ahmed@demo.carehub.nl', 'password': password})
    code = subprocess.run([carehub, 'demo', '--code', 'ahmed@demo.carehub.nl'], env=env, capture_output=True,
                          text=True, timeout=60).stdout.strip()
    manager.post('/api/v1/session/second-factor', {'method': 'totp', 'code': code})
    [circle] = manager.get('/api/v1/circles').get_json()['items']
    assert manager.get(f"/circles/{circle['id']}/invite").status_code == 403  # a trust member does not invite
    mieke = Api(app)
    mieke.post('/api/v1/session', {'email': 'mieke@demo.carehub.nl', 'password': password})
    code = subprocess.run([carehub, 'demo', '--code', 'mieke@demo.carehub.nl'], env=env, capture_output=True,
                          text=True, timeout=60).stdout.strip()
    mieke.post('/api/v1/session/second-factor', {'method': 'totp', 'code': code})
    page = mieke.get(f"/circles/{circle['id']}/invite").get_data(as_text=True)
    # Mieke is both the manager and the daughter in the dossier: she is not suggested to herself
    assert 'Contactpersonen uit het dossier' not in page


def test_commands_print_links_to_the_port_the_demo_serves_on(tmp_path):
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(tmp_path)}
    env.pop('CAREHUB_BASE_URL', None)
    carehub = os.path.join(os.path.dirname(sys.executable), 'carehub')
    result = subprocess.run([carehub, 'demo', '--no-serve', '--port', '5099'], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'http://localhost:5099' in result.stdout
    printed = subprocess.run([carehub, 'provider', 'credentials', 'Zorggroep Demo'], env=env, capture_output=True,
                             text=True, timeout=60)
    assert 'http://localhost:5099/provider/v1/oauth/token' in printed.stderr, printed.stderr


def test_the_demo_is_quiet_and_says_where_its_code_lives(tmp_path):
    env = {**os.environ, 'CAREHUB_INSTANCE_PATH': str(tmp_path / 'nowhere')}
    carehub = os.path.join(os.path.dirname(sys.executable), 'carehub')
    lost = subprocess.run([carehub, 'demo', '--code', 'mieke@demo.carehub.nl'], env=env, capture_output=True,
                          text=True, timeout=60)
    assert lost.returncode == 1 and 'run this in the folder where you ran `make demo`' in lost.stderr
    assert len(lost.stderr.strip().splitlines()) == 1
    env['CAREHUB_INSTANCE_PATH'] = str(tmp_path / 'demo')
    made = subprocess.run([carehub, 'demo', '--no-serve', '--port', '5098'], env=env, capture_output=True,
                          text=True, timeout=120)
    assert made.returncode == 0 and 'Running upgrade' not in made.stdout + made.stderr  # no page of migrations
    assert 'http://localhost:5098' in made.stdout
