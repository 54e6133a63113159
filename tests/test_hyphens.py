"""Long words in headings break where Dutch breaks them, in every browser: soft hyphens from the server (#28)."""

from markupsafe import Markup

from hub.core.hyphens import SOFT_HYPHEN, hyphenate


def test_long_words_get_soft_hyphens_at_the_places_of_the_language():
    assert hyphenate('Ondersteuningsplan', 'nl') == SOFT_HYPHEN.join(['Onder', 'steu', 'nings', 'plan'])
    assert hyphenate('Vertrouwensgroep van Jan', 'nl') == f'Ver{SOFT_HYPHEN}trou{SOFT_HYPHEN}wens{SOFT_HYPHEN}groep van Jan'
    assert hyphenate('Mijn zorgplan', 'nl') == 'Mijn zorgplan'  # short words stay whole
    assert hyphenate('Notifications', 'en') == SOFT_HYPHEN.join(['Noti', 'fic', 'a', 'tions'])
    assert hyphenate('', 'nl') == '' and hyphenate(None, 'nl') is None
    marked = hyphenate(Markup('<a href="/zorgaanbiederslijst">Gebruiksvoorwaarden</a> &amp; zo'), 'nl')
    assert isinstance(marked, Markup) and 'href="/zorgaanbiederslijst"' in marked and '&amp;' in marked
    assert f'Gebruiks{SOFT_HYPHEN}voor' in marked  # at least three letters before and after a break


def test_headings_carry_them_and_the_page_title_does_not(app):
    client = app.test_client()
    page = client.get('/terms', headers={'Accept-Language': 'nl'}).get_data(as_text=True)
    assert f'<h1>Gebruiks{SOFT_HYPHEN}voor{SOFT_HYPHEN}waar{SOFT_HYPHEN}den</h1>' in page
    assert '<title>Gebruiksvoorwaarden – carehub</title>' in page  # the tab and the bookmark: the word whole
    english = client.get('/terms', headers={'Accept-Language': 'en'}).get_data(as_text=True)
    assert '<h1>Terms of use</h1>' in english
