"""A live carehub server on SQLite and Chromium driven by Playwright, with axe-core on every page."""

import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import Mailbox, app_settings, empty_tables
from tests.servers import ROOT, free_port

CHROMIUM = '/usr/bin/chromium'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']
AXE = (ROOT / 'node_modules' / 'axe-core' / 'axe.min.js')


@pytest.fixture(scope='session')
def live_app(tmp_path_factory, smtp_sink):
    from flask_migrate import upgrade

    from hub import create_app
    instance = tmp_path_factory.mktemp('instance-browser')
    port = free_port()
    settings = app_settings(f"sqlite:///{instance / 'browser.sqlite'}", instance, smtp_sink.url)
    settings['BASE_URL'] = f'http://localhost:{port}'  # a relying party id for passkeys is a name, never an IP
    app = create_app(settings)
    with app.app_context():
        upgrade()
    server = make_server('127.0.0.1', port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base_url = settings['BASE_URL']
    yield app
    server.shutdown()


@pytest.fixture
def live(live_app, smtp_sink):
    with smtp_sink.lock:
        smtp_sink.messages.clear()
    yield live_app
    empty_tables(live_app)


@pytest.fixture
def live_mailbox(live, smtp_sink):
    return LiveMailbox(live, smtp_sink)


class LiveMailbox(Mailbox):
    def link(self, address, path):
        body = self.last_to(address).get_content()
        base = self.app.base_url
        start = body.index(base + path)
        return body[start:].split()[0]


@pytest.fixture(scope='session')
def browser():
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


class Pages:
    """Opens pages in one browser context and checks each with axe-core."""

    def __init__(self, browser, base_url):
        self.context = browser.new_context(base_url=base_url, locale='nl-NL')
        self.page = self.context.new_page()
        self.checked = []

    def axe(self):
        """Run axe-core on the page as it is now; fail on any violation."""
        page = self.page
        page.evaluate(AXE.read_text())
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html)}))")
        assert violations == [], f'axe on {page.url}: {violations}'
        self.checked.append(page.url)

    def close(self):
        self.context.close()


@pytest.fixture
def pages(browser, live):
    opened = []

    def open_context():
        context = Pages(browser, live.base_url)
        opened.append(context)
        return context
    yield open_context
    for context in opened:
        context.close()
