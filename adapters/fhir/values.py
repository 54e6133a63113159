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


def _family(name) -> str | None:
    """The family name as written; when only the Dutch parts are given (own/partner prefix and name), built from them."""
    if name.get('family'):
        return name['family']
    parts = {e.get('url', '').rsplit('-', 2)[-2] + '-' + e.get('url', '').rsplit('-', 1)[-1]: e.get('valueString')
             for e in (name.get('_family') or {}).get('extension') or []}
    own = ' '.join(p for p in (parts.get('own-prefix'), parts.get('own-name')) if p)
    partner = ' '.join(p for p in (parts.get('partner-prefix'), parts.get('partner-name')) if p)
    return '-'.join(p for p in (own, partner) if p) or None


def _call_name(names, official) -> str | None:
    """The name a person goes by (roepnaam): a given name marked CL, or the given name of a ``usual`` name."""
    for given, extra in zip(official.get('given') or [], official.get('_given') or [], strict=False):
        if any(e.get('valueCode') == 'CL' for e in (extra or {}).get('extension') or []):
            return given
    usual = next((n for n in names if n.get('use') == 'usual' and n.get('given') and not n.get('family')), None)
    return ' '.join(usual['given']) if usual else None


def human_name(names) -> tuple[str | None, str | None, str | None]:
    """Return (name to show, given names, family name) of the best HumanName in a list.

    The name to show is the one a person goes by: the roepnaam with the family name (``Jo van Putten``),
    else the full text, else the given names with the family name.
    """
    if not names:
        return None, None, None
    preferred = next((n for n in names if n.get('use') == 'official'),
                     next((n for n in names if n.get('use') in ('usual', None)), names[0]))
    given = ' '.join(preferred.get('given') or []) or None
    family = _family(preferred)
    call = _call_name(names, preferred)
    if call and family:
        return f'{call} {family}', given, family
    full = preferred.get('text') or ' '.join(part for part in (given, family) if part) or None
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
    lines = [line for line in first.get('line') or [] if line]
    if not lines:  # only the Dutch address parts (street, house number, suffix) as extensions of the line
        for extra in first.get('_line') or []:
            parts = {e.get('url', '').rsplit('-', 1)[-1]: e.get('valueString')
                     for e in (extra or {}).get('extension') or []}
            street = ' '.join(p for p in (parts.get('streetName'), parts.get('houseNumber'),
                                          parts.get('buildingNumberSuffix')) if p)
            if street:
                lines.append(street)
    parts = [' '.join(lines), ' '.join(p for p in (first.get('postalCode'), first.get('city')) if p)]
    return ', '.join(p for p in parts if p) or None


def reference_id(reference, resource_type) -> str | None:
    """Return the id in a relative reference like ``Patient/123`` when it is of ``resource_type``."""
    ref = (reference or {}).get('reference') or ''
    prefix = f'{resource_type}/'
    if ref.startswith(prefix):
        return ref[len(prefix):].split('/_history')[0]
    return None


def contained(reference, resource) -> dict | None:
    """Return the contained resource a Reference points at (``#id``), or None."""
    ref = reference.get('reference') or '' if isinstance(reference, dict) else ''
    if not ref.startswith('#'):
        return None
    return next((c for c in resource.get('contained') or [] if isinstance(c, dict) and c.get('id') == ref[1:]), None)


def specialty(references, resource) -> str | None:
    """Return the discipline of the first PractitionerRole among ``references`` (contained, or by its display)."""
    for reference in references or []:
        found = contained(reference, resource)
        if found and found.get('resourceType') == 'PractitionerRole':
            text = next(filter(None, (concept_text(c) for c in found.get('specialty') or [])), None) or \
                next(filter(None, (concept_text(c) for c in found.get('code') or [])), None)
            if text:
                return text
    return None


def display(reference, resource) -> str | None:
    """Return the name a Reference points at: its display, or the name of a contained resource (``#id``)."""
    if not isinstance(reference, dict):
        return None
    if reference.get('display'):
        return reference['display']
    found = contained(reference, resource)
    if found:
        if found.get('resourceType') == 'PractitionerRole':
            return display(found.get('practitioner'), resource) or display(found.get('organization'), resource)
        if isinstance(found.get('name'), str):
            return found['name']
        return human_name(found.get('name'))[0]
    return None
