"""The SMART on FHIR scopes an app may ask for, and what of them carehub gives (pure: no database, no request).

An app reads a care page for one member ("patient" context): ``patient/<Type>.rs`` (SMART v2: r to read one
item, s to search) or ``patient/<Type>.read`` (v1, the same as ``.rs``); ``patient/*.rs`` covers every type
served. Nothing is written: c, u and d, ``.write`` and ``user/`` or ``system/`` scopes are left out, and a scope
with a query (``?category=``) too: a server may give less than asked (SMART App Launch 2.0, "Scopes"). Beside
them: ``launch/patient`` (choose a care page), ``openid fhirUser`` (an ID token naming the member) and
``offline_access`` (a refresh token, for as long as the consent).
"""

import re

#: the resource types an app may read, in the order the consent page names them
TYPES = ('Patient', 'Observation', 'CarePlan', 'Goal', 'MedicationStatement', 'Appointment', 'DocumentReference',
         'Condition')
#: the scopes kept beside the resource scopes
EXTRA = ('launch/patient', 'openid', 'fhirUser', 'offline_access', 'online_access')
#: SMART v2 permission letters in their fixed order; an app reads with r and s only
ORDER = 'cruds'
READ = frozenset('rs')

_V2 = re.compile(r'^patient/(\*|[A-Za-z]+)\.([cruds]+)$')
_V1 = re.compile(r'^patient/(\*|[A-Za-z]+)\.(read|write|\*)$')


def _resource(scope: str) -> tuple[str, frozenset, str] | None:
    """(type, permissions given, the scope as given back) of a resource scope, or None when nothing of it is given."""
    if match := _V2.match(scope):
        kind, letters = match.groups()
        if letters != ''.join(sorted(letters, key=ORDER.index)) or len(set(letters)) != len(letters):
            return None  # v2 letters are each given once, in the order c r u d s
        given = frozenset(letters) & READ
        as_given = ''.join(letter for letter in 'rs' if letter in given)
        if kind != '*' and kind not in TYPES or not given:
            return None
        return kind, given, f'patient/{kind}.{as_given}'
    if match := _V1.match(scope):
        kind, access = match.groups()
        if kind != '*' and kind not in TYPES or access == 'write':
            return None
        return kind, READ, f'patient/{kind}.read'
    return None


def allowed(asked: str | None) -> str | None:
    """The scopes carehub gives of those asked (space-separated, each once, in the order asked), or None when no
    resource scope is left (the app would read nothing: ``invalid_scope``)."""
    kept, resources = [], 0
    for scope in dict.fromkeys((asked or '').split()):
        found = _resource(scope)
        if found is not None:
            kept.append(found[2])
            resources += 1
        elif scope in EXTRA:
            kept.append(scope)
    return ' '.join(dict.fromkeys(kept)) if resources else None


def types_of(scope: str | None) -> dict[str, frozenset]:
    """Each resource type the scopes give -> the permissions (r, s) given on it."""
    given: dict[str, frozenset] = {}
    for part in (scope or '').split():
        found = _resource(part)
        if found is None:
            continue
        kind, permissions, _ = found
        for each in TYPES if kind == '*' else (kind,):
            given[each] = given.get(each, frozenset()) | permissions
    return given


def narrowed(scope: str, types) -> str | None:
    """The scopes with only the resource types in ``types`` (what the member may read): ``patient/*`` stays when
    every type is in it, else becomes a scope per type; None if no resource scope is left."""
    kept, resources = [], 0
    for part in scope.split():
        found = _resource(part)
        if found is None:
            kept.append(part)
        elif found[0] == '*' and set(TYPES) <= set(types):
            kept.append(part)
            resources += 1
        elif found[0] == '*':
            letters = ''.join(letter for letter in 'rs' if letter in found[1])
            suffix = 'read' if part.endswith('.read') else letters
            fitting = [f'patient/{kind}.{suffix}' for kind in TYPES if kind in types]
            kept += fitting
            resources += len(fitting)
        elif found[0] in types:
            kept.append(part)
            resources += 1
    return ' '.join(dict.fromkeys(kept)) if resources else None


def permits(scope: str | None, kind: str, permission: str) -> bool:
    """Whether the scopes let an app use ``permission`` (r or s) on resources of ``kind``."""
    return permission in types_of(scope).get(kind, frozenset())
