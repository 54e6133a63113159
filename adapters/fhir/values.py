"""Read FHIR R4 datatypes (names, dates, codes, text) into plain values."""

import re
from datetime import UTC, date, datetime
from html import unescape
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo('Europe/Amsterdam')


def parse_datetime(value) -> datetime | None:
    """Return an aware datetime for a FHIR date, dateTime or instant (local times are Dutch)."""
    if not value or not isinstance(value, str):
        return None
    if re.fullmatch(r'\d{4}', value):
        value += '-01-01'
    elif re.fullmatch(r'\d{4}-\d{2}', value):
        value += '-01'
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed.astimezone(UTC)


def parse_date(value) -> date | None:
    """Return the date part of a FHIR date or dateTime."""
    parsed = parse_datetime(value) if value and len(value) > 10 else None
    if parsed:
        return parsed.astimezone(AMSTERDAM).date()
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def human_name(names) -> tuple[str | None, str | None, str | None]:
    """Return (full name, given, family) of the best HumanName in a list."""
    if not names:
        return None, None, None
    preferred = next((n for n in names if n.get('use') in ('official', 'usual')), names[0])
    given = ' '.join(preferred.get('given') or []) or None
    family = preferred.get('family')
    full = preferred.get('text') or ' '.join(part for part in (
        ' '.join(preferred.get('prefix') or []), given, family) if part) or None
    return full, given, family


def codings(concept) -> list[dict]:
    """Return the codings of a CodeableConcept (or an empty list)."""
    return list((concept or {}).get('coding') or [])


def concept_text(concept) -> str | None:
    """Return a readable text of a CodeableConcept."""
    if not concept:
        return None
    if concept.get('text'):
        return concept['text']
    return next((c['display'] for c in codings(concept) if c.get('display')), None)


def has_code(concept, system, code) -> bool:
    """Tell whether a CodeableConcept carries ``system|code``."""
    return any(c.get('system') == system and c.get('code') == code for c in codings(concept))


def narrative(resource) -> str | None:
    """Return the resource's narrative as plain text."""
    div = (resource.get('text') or {}).get('div')
    if not div:
        return None
    return re.sub(r'\s+', ' ', unescape(re.sub(r'<[^>]+>', ' ', div))).strip() or None


def telecom(points, system) -> str | None:
    """Return the first contact point of ``system`` (phone, email)."""
    return next((p.get('value') for p in points or [] if p.get('system') == system and p.get('value')), None)


def address(addresses) -> str | None:
    """Return the first address as one line."""
    if not addresses:
        return None
    first = addresses[0]
    if first.get('text'):
        return first['text']
    parts = [' '.join(first.get('line') or []), ' '.join(p for p in (first.get('postalCode'), first.get('city')) if p)]
    return ', '.join(p for p in parts if p) or None


def reference_id(reference, resource_type) -> str | None:
    """Return the id in a relative reference like ``Patient/123`` when it is of ``resource_type``."""
    ref = (reference or {}).get('reference') or ''
    prefix = f'{resource_type}/'
    if ref.startswith(prefix):
        return ref[len(prefix):].split('/_history')[0]
    return None


def display(reference, resource) -> str | None:
    """Return the name a Reference points at: its display, or the name of a contained resource (``#id``)."""
    if not isinstance(reference, dict):
        return None
    if reference.get('display'):
        return reference['display']
    ref = reference.get('reference') or ''
    if ref.startswith('#'):
        found = next((c for c in resource.get('contained') or [] if isinstance(c, dict) and c.get('id') == ref[1:]),
                     None)
        if found:
            if found.get('resourceType') == 'PractitionerRole':
                return display(found.get('practitioner'), resource) or display(found.get('organization'), resource)
            if isinstance(found.get('name'), str):
                return found['name']
            return human_name(found.get('name'))[0]
    return None
