"""How a carer is doing: the EDIZ strain questionnaire, once a month, theirs alone.

The EDIZ ("Ervaren Druk door Informele Zorg", Pot, Van Dyck & Deeg 1995) has nine statements about the last few
weeks, each answered Nee! · Nee · Min of meer · Ja · Ja!. Min of meer, Ja and Ja! count one point: 0–9, where 0–3 is
little or no strain, 4–6 some, 7–9 heavy. The score over time is shown only to the person; never on a care page,
never to a manager. From a score of 4 the page points to support for carers. A monthly reminder (notification kind
``wellbeing``) asks again; the person may turn it off.
"""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from hub.account.models import Account
from hub.account.notifications import notify, settings_of
from hub.circle.access import current_members
from hub.circle.models import Member, WellbeingCheck
from hub.core.audit import audit
from hub.core.timeutil import utcnow
from hub.extensions import db

NAME = 'EDIZ'
#: the nine statements, in the words of the validated list ("mijn naaste": the person one cares for)
QUESTIONS = (
    _l('Because of the situation of the person I care for, I do not get round to my own life enough.'),
    _l('Combining the responsibility for the person I care for with the responsibility for my work and/or family is '
       'not easy.'),
    _l('Because of my involvement with the person I care for, I fall short towards others.'),
    _l('I always have to be ready for the person I care for.'),
    _l('My independence is under pressure.'),
    _l('The situation of the person I care for constantly demands my attention.'),
    _l('Because of my involvement with the person I care for, I have conflicts at home and/or at work.'),
    _l('The situation of the person I care for never lets me go.'),
    _l('Overall, I feel very much under pressure because of the situation of the person I care for.'),
)
#: the answers, 0 to 4; from ``COUNTS`` on an answer counts one point
SCALE = (_l('No!'), _l('No'), _l('More or less'), _l('Yes'), _l('Yes!'))
COUNTS = 2
#: score -> level: up to 3 little strain, up to 6 some, then heavy
LEVELS = ((3, 'low'), (6, 'moderate'), (9, 'high'))
#: from this score on (some strain, or heavy) the page shows where carers find support
SUPPORT_FROM = LEVELS[0][0] + 1
#: how often the person is asked again
EVERY = timedelta(days=30)
HISTORY = 24


def score(answers) -> int:
    return sum(1 for answer in answers if answer >= COUNTS)


def level(points) -> str:
    return next(name for top, name in LEVELS if points <= top)


def needs_support(points) -> bool:
    return points >= SUPPORT_FROM


def fill_in(account, answers) -> WellbeingCheck:
    """Keep one filled-in list of the person (the schema checked nine answers of 0–4)."""
    check = WellbeingCheck(account_id=account.id, answers=list(answers), score=score(answers), created_at=utcnow())
    account.wellbeing_answered_at = check.created_at  # the care page no longer asks; a month till the next mail
    db.session.add(check)
    db.session.flush()
    audit('account.wellbeing', 'C', actor=account, target=f'account:{account.id}')
    return check


def history(account, limit=HISTORY) -> list[WellbeingCheck]:
    """The person's own lists, newest first."""
    return db.session.execute(select(WellbeingCheck).where(WellbeingCheck.account_id == account.id)
                              .order_by(WellbeingCheck.created_at.desc(), WellbeingCheck.id.desc())
                              .limit(limit)).scalars().all()


def due(checks, now=None) -> bool:
    """Whether it is time to fill in the list again (never, or a month since the last one)."""
    return not checks or checks[0].created_at <= (now or utcnow()) - EVERY


def remove(account, check_id) -> bool:
    """Remove one of the person's own lists; another's (or none) changes nothing."""
    check = db.session.get(WellbeingCheck, check_id)
    if check is None or check.account_id != account.id:
        return False
    db.session.delete(check)
    audit('account.wellbeing_remove', 'D', actor=account, target=f'account:{account.id}')
    return True


def asking(account) -> bool:
    """Whether the care page asks the person how they are doing: asked by mail, not answered since, not turned off."""
    return (account.wellbeing_asked_at is not None and settings_of(account)['wellbeing'] != 'off'
            and (account.wellbeing_answered_at is None or account.wellbeing_answered_at < account.wellbeing_asked_at))


def remind(now=None, limit=500) -> int:
    """Ask the people who help on a care page how they are doing, once a month: those last asked and last answering
    a month ago or more (a new account waits a month too), unless they turned it off. Return how many.

    Removing a list does not make one due: the time of the last answer stays.
    """
    now = now or utcnow()
    month_ago = now - EVERY
    helping = select(Member.account_id).where(current_members())
    query = (select(Account).where(Account.created_at <= month_ago,
                                   or_(Account.wellbeing_asked_at.is_(None), Account.wellbeing_asked_at <= month_ago),
                                   or_(Account.wellbeing_answered_at.is_(None),
                                       Account.wellbeing_answered_at <= month_ago),
                                   Account.status == 'active', Account.id.in_(helping))
             .order_by(Account.created_at).limit(limit))
    asked = 0
    for account in db.session.execute(query).scalars():
        account.wellbeing_asked_at = now  # asked, or passed over for a month when they turned it off
        if settings_of(account)['wellbeing'] != 'off':
            notify(account, 'wellbeing', 'wellbeing', '/wellbeing')
            asked += 1
    return asked


def check_json(check) -> dict:
    return {'id': str(check.id), 'at': check.created_at.isoformat(), 'answers': check.answers, 'score': check.score,
            'level': level(check.score), 'support': needs_support(check.score)}


def questionnaire_json() -> dict:
    return {'name': NAME, 'maximum': len(QUESTIONS), 'levels': {name: top for top, name in LEVELS},
            'scale': [{'value': value, 'label': str(label)} for value, label in enumerate(SCALE)],
            'questions': [{'number': number, 'text': str(text)} for number, text in enumerate(QUESTIONS, 1)]}
