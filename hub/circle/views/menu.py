"""The main menu, built once per request for both its forms (wide, and narrow on a phone): the layout renders
the items, so each address and word is found once, not in a template macro per item."""

from typing import NamedTuple

from flask import g, url_for
from flask_babel import gettext as _

from hub.circle.access import can, is_the_client, reads, sees_calendar


class Item(NamedTuple):
    href: str
    label: str
    picture: str | None  # its pictogram with easy read
    gap: bool = False  # a space before it (the account's items after the care page's)


def menu(member, narrow: bool = False) -> list[Item]:
    """The menu's items for the person logged in (or not), on ``member``'s care page (or none)."""
    account = g.get('account')
    key = ('carehub.menu', narrow, getattr(member, 'id', None), bool(account and account.easy_read))
    known = g.setdefault('carehub.menus', {})
    if key not in known:
        known[key] = _items(account, member if member and getattr(member, 'circle_id', None) else None, narrow)
    return known[key]


def _items(account, member, narrow: bool) -> list[Item]:
    if account is None:
        return [Item(url_for('account.login'), _('Log in'), None), Item(url_for('account.register'),
                _('Create account'), None), Item(url_for('account.information'), _('Information'), None)]
    easy, items = account.easy_read, []
    if member is not None:
        circle = {'circle_id': member.circle_id}
        if easy:  # the client's own pages first, wide or narrow, as far as they may use them
            if sees_calendar(member):
                items += [Item(url_for('circle.today_page', **circle), _('Today'), 'today'),
                          Item(url_for('circle.week_page', **circle), _('This week'), 'week')]
            if reads(member, 'goals'):
                items.append(Item(url_for('dossier.goals_page', **circle),
                                  _('My goals') if is_the_client(member) else _('Goals'), 'goals'))
            if can(member, 'messages'):
                items.append(Item(url_for('circle.messages', **circle), _('Messages'), 'messages'))
            if reads(member, 'medication'):
                items.append(Item(url_for('dossier.medication_page', **circle), _('Medication'), 'medication'))
            if reads(member, 'reports'):
                items.append(Item(url_for('dossier.timeline', **circle), _('Reports'), 'reports'))
            items.append(Item(url_for('circle.board_page', **circle), _('Board'), 'board'))
            if member.role != 'client':
                items.append(Item(url_for('dossier.overview', **circle), _('Start of the care page'), 'home'))
        elif narrow:  # on a phone: this care page's parts first, as far as this member may use them
            items.append(Item(url_for('dossier.overview', **circle), _('Start of the care page'), None))
            if sees_calendar(member):
                items.append(Item(url_for('circle.calendar_page', **circle), _('Calendar'), None))
            if can(member, 'messages'):
                items.append(Item(url_for('circle.messages', **circle), _('Messages'), None))
            if can(member, 'dossier'):
                items += [Item(url_for('dossier.timeline', **circle), _('Reports'), None),
                          Item(url_for('dossier.plans', **circle), _('Care plans'), None)]
            items += [Item(url_for('circle.board_page', **circle), _('Board'), None),
                      Item(url_for('circle.members', **circle), _('Connections'), None)]
    if narrow and member is None:
        items.append(Item(url_for('circle.dashboard'), _('Start'), 'home'))
    items.append(Item(url_for('circle.dashboard', all=1), _('My care pages'), 'home',
                      gap=member is not None and (narrow or easy)))
    if member is None or can(member, 'manage'):
        items.append(Item(url_for('connect.redeem'), _('Link a dossier'), 'help'))
    if not (member is not None and member.role == 'client'):
        items.append(Item(url_for('circle.invitations'), _('Invitations'), 'messages'))
    items += [Item(url_for('account.profile_page'), _('My profile'), 'profile'),
              Item(url_for('account.information'), _('Information'), 'information'),
              Item(url_for('account.logout'), _('Log out'), 'logout')]
    return items
