"""A page as people read it."""

SOFT_HYPHEN = '\u00ad'


def text(response) -> str:
    """The HTML of ``response`` without the soft hyphens that long words in headings carry: a browser shows them
    only where it breaks the word, so a test that looks for a word looks past them."""
    return response.get_data(as_text=True).replace(SOFT_HYPHEN, '')
