"""Refresh the message catalogue: extract, update nl, and fill translations from a JSON file.

Usage: python scripts/translate.py [translations.json]
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / 'hub' / 'translations' / 'nl' / 'LC_MESSAGES' / 'messages.po'


def main():
    bin_dir = Path(sys.executable).parent
    subprocess.run([bin_dir / 'pybabel', 'extract', '-F', 'babel.cfg', '-k', '_l', '-k', 'lazy_gettext', '-k', 'lazy_ngettext:1,2',
                    '--no-location', '--omit-header', '-o', 'hub/translations/messages.pot', '.'], cwd=ROOT,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([bin_dir / 'pybabel', 'update', '--no-fuzzy-matching', '-i', 'hub/translations/messages.pot',
                    '-d', 'hub/translations', '-l', 'nl'], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with PO.open('rb') as handle:
        catalog = read_po(handle, locale='nl')
    if len(sys.argv) > 1:
        extra = json.loads(Path(sys.argv[1]).read_text())
        for message in catalog:
            if message.id:
                key = message.id[0] if isinstance(message.id, tuple) else message.id
                if key in extra:
                    message.string = tuple(extra[key]) if isinstance(message.id, tuple) else extra[key]
    with PO.open('wb') as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    for message_id in missing:
        print('untranslated:', message_id)
    return 1 if missing else 0


if __name__ == '__main__':
    sys.exit(main())
