"""One day of a care page as the client's start page shows it: what happens, in time order, who comes and what, each
with a pictogram (the care page's time zone counts the day)."""

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from hub.account.photos import with_photo
from hub.circle import calendar
from hub.circle.access import check_calendar, photo_visible
from hub.circle.models import Member
from hub.core.timeutil import day_bounds, utcnow, zone

#: what happens -> the name of its pictogram (the pages draw each with its Dutch alt text)
PICTOGRAMS = {'own': 'appointment', 'care': 'care', 'ride': 'ride', 'visit': 'visit', 'meal': 'meal',
              'other': 'help'}
#: pictogram -> what it shows, for those who do not see it (OpenMoji, hub/static/pictograms/LICENSE.txt)
PICTOGRAM_TEXTS = {'appointment': _l('Appointment'), 'care': _l('Care worker'), 'ride': _l('A ride by car'),
                   'visit': _l('A visit'), 'meal': _l('A meal'), 'help': _l('Help'), 'today': _l('The sun: today'),
                   'tomorrow': _l('The sun comes up: tomorrow')}


def day_plan(member: Member, account, day: date | None = None) -> dict:
    """What happens on ``day`` (default: today) for the member, in time order: appointments of helpers, care
    appointments from the dossier and help that is coming, each with who comes."""
    return days_plan(member, account, day, 1)[0]


def days_plan(member: Member, account, first: date | None = None, count: int = 1) -> list[dict]:
    """``count`` days from ``first`` (default: today), each as ``day_plan`` gives it, from one read of the calendar."""
    check_calendar(member)
    first = first or utcnow().astimezone(zone()).date()
    days = {first + timedelta(days=n): [] for n in range(count)}
    start, end = day_bounds(first)[0], day_bounds(first + timedelta(days=count - 1))[1]
    items = [_item(kind, found) for kind, found in calendar.entries(member, account, start, end)]
    people = {item['who']['account_id'] for item in items if item['who'].get('account_id')}
    shown = {person for person in with_photo(people) if photo_visible(account, person)}
    for item in items:
        person = item['who'].pop('account_id', None)
        item['who']['photo_url'] = f'/api/v1/accounts/{person}/photo' if person in shown else None
        days.setdefault(item['starts_at'].astimezone(zone()).date(), []).append(item)
    return [{'date': day, 'items': days[day]} for day in sorted(days) if first <= day < first + timedelta(days=count)]


def _item(kind, found) -> dict:
    if kind == 'own':
        entry = found.entry
        return {'starts_at': found.starts_at, 'ends_at': found.ends_at, 'title': entry.title, 'kind': 'appointment',
                'all_day': entry.all_day, 'pictogram': PICTOGRAMS['own'],
                'who': {'name': entry.author.name, 'account_id': entry.author_id}}
    if kind == 'help':
        helper = found.signups[0].account if found.signups else None  # who comes: the first who signed up
        return {'starts_at': found.starts_at, 'ends_at': found.ends_at, 'title': found.title, 'kind': 'help',
                'all_day': False, 'pictogram': PICTOGRAMS.get(found.kind, 'help'),
                'who': {'name': helper.name if helper else None, 'account_id': helper.id if helper else None}}
    data = found.Record.data
    people = data.get('participants') or []
    ends_at = datetime.fromisoformat(data['end']) if data.get('end') else None
    return {'starts_at': found.Record.occurred_at, 'ends_at': ends_at, 'title': data.get('description'), 'kind': 'care',
            'all_day': False, 'pictogram': PICTOGRAMS['care'],
            'who': {'name': people[0] if people else found.Dossier.provider.name}}
