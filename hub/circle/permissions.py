"""The capability catalogue (seed 000, mijnCaress "wie mag wat") and the role presets."""

from flask_babel import lazy_gettext as _l

#: area -> [(capability code, question as the manager reads it)]
CATALOGUE = {
    'messages': [
        ('messages', _l('Read and send messages')),
        ('messages.provider', _l('Read and send messages with the care provider')),
    ],
    'appointments': [
        ('appointments.own', _l('See own appointments')),
        ('appointments.care', _l('See appointments with the care provider')),
        ('appointments.add', _l('Add appointments')),
    ],
    'dossier': [
        ('dossier', _l('See the care plan and reports (medical data)')),
        ('dossier.goals', _l('See the goals of the care plan and what is done for them')),
        ('dossier.medication', _l('See the medication')),
        ('dossier.reports', _l('See the reports')),
    ],
    'data': [
        ('data.client', _l('See client data')),
        ('data.board_delete', _l('Delete board posts of others')),
        ('data.gp_pharmacy', _l('See GP and pharmacy')),
        ('data.insurance', _l('See insurances')),
        ('data.contacts', _l('See contact persons')),
        ('data.board_post', _l('Post on the board')),
        ('data.board_react', _l('React on the board')),
        ('data.care_team', _l('See the care team')),
    ],
    'settings': [
        ('settings.photo', _l('Add own profile photo')),
        ('settings.profile', _l('Edit own profile')),
        ('settings.contacts_edit', _l('Edit contact persons')),
        ('settings.contacts_add', _l('Add contact persons')),
    ],
}

CAPABILITIES = frozenset(code for items in CATALOGUE.values() for code, _ in items)
#: only the manager has these; they can never be granted to a helper
MANAGER_ONLY = frozenset({'settings.contacts_add'})
GRANTABLE = CAPABILITIES - MANAGER_ONLY

PRESETS = {
    'manager': CAPABILITIES,
    'trust': GRANTABLE,
    'basic': frozenset({'messages', 'appointments.own', 'appointments.add', 'data.board_post', 'data.board_react',
                        'settings.photo', 'settings.profile'}),
    #: the person the care page is about: their day, who comes, their messages, their goals and medication; the
    #: reports only when the manager ticks them; nothing that shares or manages
    'client': frozenset({'messages', 'appointments.own', 'appointments.care', 'dossier.goals', 'dossier.medication',
                         'data.board_post', 'data.board_react', 'settings.photo', 'settings.profile'}),
}
ROLES = ('manager', 'trust', 'basic', 'client')
ROLE_LABELS = {'manager': _l('Manager'), 'trust': _l('Trust group'), 'basic': _l('Basic'), 'client': _l('Client')}
#: roles a manager can give a helper
HELPER_ROLES = ('basic', 'trust')
#: roles a manager invites someone with: a helper's, or the client's own (one per care page)
INVITED_ROLES = (*HELPER_ROLES, 'client')

#: why someone has access to a care page (asked at invitation, kept in the audit record of what they read)
BASES = ('family', 'friend', 'mentor', 'curator', 'guardian', 'power_of_attorney', 'other')
BASIS_LABELS = {'family': _l('Family'), 'friend': _l('Friend'), 'mentor': _l('Mentor'), 'curator': _l('Curator'),
                'guardian': _l('Guardian (bewindvoerder)'), 'power_of_attorney': _l('Power of attorney'),
                'other': _l('Other')}
#: one line for the roles a court or a written authorisation gives, so nobody has to know the legal words
BASIS_HINTS = {'mentor': _l('Appointed by a court to decide about care and daily life.'),
               'curator': _l('Appointed by a court to decide about money and about care and daily life.'),
               'guardian': _l('Appointed by a court to look after money and belongings.'),
               'power_of_attorney': _l('The client gave this person written permission to arrange things.')}
