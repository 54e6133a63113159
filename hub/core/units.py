"""Units as people read them: the UCUM codes of a dossier ("mm[Hg]", "Cel", "{beats}/min") shown as "mmHg", "°C",
"/min". The API and the export keep the codes as they came; only pages and mails show the readable form."""

import re

#: UCUM codes whose readable form is not the code without its brackets
NAMED = {'Cel': '°C', '[degF]': '°F', 'L': 'l', 'mL': 'ml', 'dL': 'dl', 'mmol/L': 'mmol/l', 'mg/dL': 'mg/dl',
         'g/dL': 'g/dl', '/min': 'per minuut', '{beats}/min': 'per minuut', '{breaths}/min': 'per minuut',
         '/[HPF]': 'per gezichtsveld', '[in_i]': 'inch', '[lb_av]': 'pond', 'a': 'jaar', 'mo': 'maanden',
         'wk': 'weken', 'd': 'dagen', 'h': 'uur', '1': ''}


def shown(unit) -> str:
    """Return a unit as people read it: "mm[Hg]" → "mmHg", "Cel" → "°C", "kg/m2" → "kg/m²"."""
    if not unit:
        return ''
    unit = str(unit).strip()
    if unit in NAMED:
        return NAMED[unit]
    readable = re.sub(r'\{[^}]*\}', '', unit)  # annotations: {score}, {beats}
    readable = readable.replace('[', '').replace(']', '').replace('m2', 'm²').replace('m3', 'm³')
    return readable.strip() or ''


FILTERS = {'unit': shown}
