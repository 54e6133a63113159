"""The client's own goals ("Mijn doelen"): each goal of the current care plans in the plan's words, with what is done
for it; and what the client says about a goal ("Dit wil ik", "Dit wil ik anders"): a short message to the trust
group and, where the goal's provider takes items from carehub, to the provider as a note."""

from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hub.careprovider.models import Dossier, Record
from hub.careprovider.outbound import queue_for_provider
from hub.circle import messages
from hub.circle.access import can, check, check_reads, current_members
from hub.circle.dossiers import records_of
from hub.circle.models import Member
from hub.core.audit import audit
from hub.core.errors import NotFound
from hub.core.timeutil import utcnow
from hub.dossier.plans import goals_of
from hub.extensions import db

#: the longest subject of a thread
SUBJECT_LENGTH = 200
#: plans whose goals are no longer worked on
ENDED_PLANS = frozenset({'revoked', 'completed', 'entered-in-error'})
#: goals no longer worked on
ENDED_GOALS = frozenset({'completed', 'cancelled', 'rejected', 'entered-in-error'})
#: what the client can say about a goal -> the words sent
CHOICES = {'want': _l('I want this.'), 'change': _l('I want this differently.')}


class Goal(NamedTuple):
    """A goal as the client reads it: the goal record, what is done for it (descriptions), the plan's dossier."""

    record: Record
    actions: list
    dossier: Dossier


def my_goals(member: Member) -> list[Goal]:
    """The goals of the care page's current plans (client plans first) that the member may see, each once, with the
    actions of any current plan that name it. Reached and stopped goals are left out."""
    check_reads(member, 'goals')
    rows = [row for row in db.session.execute(records_of(member, member.circle_id, ('plan',)).order_by(
        Record.occurred_at.desc().nulls_last(), Record.created_at.desc())).all()
        if row.Record.data.get('status') not in ENDED_PLANS]
    rows.sort(key=lambda row: row.Record.data.get('plan_type') == 'work')  # stable: newest first within each
    actions: dict = {}
    for row in rows:
        for activity in row.Record.data.get('activities') or []:
            for goal_id in activity.get('goal_ids') or []:
                actions.setdefault((row.Dossier.id, goal_id), []).append(activity['description'])
    found, seen = [], set()
    for row in rows:
        for goal in goals_of(member, row):
            if goal.id in seen or goal.data.get('lifecycle_status') in ENDED_GOALS:
                continue
            seen.add(goal.id)
            done = list(dict.fromkeys(actions.get((row.Dossier.id, goal.source_id), [])))
            found.append(Goal(goal, done, row.Dossier))
    return found


def my_goal(member: Member, goal_id) -> Goal:
    """One goal of ``my_goals``, or raise NotFound."""
    found = next((goal for goal in my_goals(member) if goal.record.id == goal_id), None)
    if found is None:
        raise NotFound(_l('This goal is not on this care page.'))
    return found


def say(member: Member, account, goal_id, choice: str, text: str | None = None):
    """The client says what they think of a goal: a message for the trust group (a thread for them and the client)
    and, where the provider takes items from carehub, a note for the provider. Returns (thread, sent to provider)."""
    check(check_reads(member, 'goals'), 'messages')
    goal = my_goal(member, goal_id)
    words = ' '.join(filter(None, (str(CHOICES[choice]), (text or '').strip())))
    subject = _('About my goal: %(goal)s', goal=goal.record.data['description'])[:SUBJECT_LENGTH]
    readers = db.session.execute(select(Member).where(
        Member.circle_id == member.circle_id, Member.role.in_(('manager', 'trust')), current_members())).scalars()
    recipients = [reader.id for reader in readers if can(reader, 'messages')]
    thread, _message = messages.start_thread(member, account, words, subject=subject,
                                             recipients=recipients or [member.id])
    dossier = goal.dossier
    to_provider = dossier.uploaded_by is None  # a file a member uploaded has no provider to write to
    if to_provider:
        item = queue_for_provider(dossier, 'note', {
            'text': f'{subject}\n{words}', 'author': account.name, 'author_role': member.role,
            'written_at': utcnow().isoformat(), 'topic': subject[:300]})
        audit('dossier.goal_say', 'C', actor=account, role=member.role, circle=member.circle_id, dossier=dossier.id,
              target=f'goal:{goal.record.id}:{item.id}')
    return thread, to_provider
