"""What an app may read for a member: the types the member may read themselves, while their consent lives.

A consent (AppGrant) keeps the member's role and rights of the moment they gave it. Its tokens stop at once when
the consent is stopped or runs out, the member's access ends, their role changes or their rights shrink, or the
account is no longer active; the member removed, the care page deleted or the app removed delete the consent.
"""

from collections.abc import Callable

from hub.apps.models import AppGrant
from hub.circle.access import READ_DOSSIER, access_ended, can, permissions_of, reads
from hub.circle.models import Member
from hub.core.timeutil import utcnow

#: resource type -> whether a member may read it (the same rules as the care page's own pages)
RULES: dict[str, Callable[[Member], bool]] = {
    'Patient': lambda member: True,  # the client's name: every member sees it on every page
    'Observation': lambda member: reads(member, 'reports'),
    'CarePlan': lambda member: can(member, READ_DOSSIER),
    'Goal': lambda member: reads(member, 'goals'),
    'MedicationStatement': lambda member: reads(member, 'medication'),
    'Appointment': lambda member: can(member, 'appointments.care'),
    'DocumentReference': lambda member: can(member, READ_DOSSIER),
    'Condition': lambda member: can(member, READ_DOSSIER),
}


def readable_types(member: Member) -> list[str]:
    """The resource types this member may let an app read, in the consent page's order."""
    return [kind for kind, rule in RULES.items() if rule(member)]


def rights_of(member: Member) -> list[str]:
    """The member's rights as a consent keeps them (sorted: the same rights compare equal)."""
    return sorted(permissions_of(member))


def live(grant: AppGrant | None) -> bool:
    """Whether an app may still read with this consent (see the module's rules)."""
    if grant is None or grant.revoked_at is not None or grant.expires_at <= utcnow():
        return False
    member = grant.member
    account = member.account
    return (not access_ended(member) and member.role == grant.role
            and set(grant.permissions) <= permissions_of(member) and account.status == 'active')
