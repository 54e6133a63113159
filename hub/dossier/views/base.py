"""What the dossier's pages share: the blueprint ("dossier"), labels and helpers for the templates, and the
check of a dossier page (the step-up first)."""

from datetime import timedelta
from pathlib import Path

from flask import (
    Blueprint,
    g,
    redirect,
)
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from hub.account.access import step_up_redirect
from hub.circle import wellbeing
from hub.circle.access import check_read, read_dossier, refused, require
from hub.circle.dossiers import source_name
from hub.core.errors import AppError
from hub.core.timeutil import utcnow
from hub.dossier import (
    accesses,
    data,
    hiding,
    medication,
)

bp = Blueprint('dossier', __name__, template_folder=str(Path(__file__).parent.parent / 'templates'))


#: categories that say no more than "a report": a card is then titled by what sets it apart
GENERIC_CATEGORIES = frozenset({'rapportage', 'rapport', 'report', 'verslag', 'notitie'})
#: a title from the text: its first words
TITLE_WORDS = 6


def report_title(data: dict):
    """A report card's title, so that cards (and their links) differ: its own title, a telling category, the
    discipline, the care question, or the first words of the text; "Rapportage" only when there is nothing else."""
    category = (data.get('category') or '').strip()
    for candidate in (data.get('title'), category if category.casefold() not in GENERIC_CATEGORIES else None,
                      data.get('discipline'), data.get('care_question')):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    words = str(data.get('text') or '').split()
    if words:
        return ' '.join(words[:TITLE_WORDS]) + ('…' if len(words) > TITLE_WORDS else '')
    return category or _l('Report')


PLAN_STATUS = {'draft': _l('Draft'), 'active': _l('Active at the care provider'), 'on-hold': _l('Paused'),
               'revoked': _l('Stopped'), 'completed': _l('Finished'), 'unknown': _l('Status unknown')}


KIND_LABELS = {'demographics': _l('Client data'), 'contact_person': _l('Contact persons'),
               'practitioner': _l('Care professionals'), 'insurance': _l('Insurance'),
               'condition': _l('Health problems'), 'plan': _l('Care plans'), 'goal': _l('Goals'),
               'report': _l('Reports'), 'questionnaire': _l('Questionnaires'), 'measurement': _l('Measurements'),
               'appointment': _l('Appointments with the care provider'), 'message': _l('Messages from the care provider'),
               'medication': _l('Medication')}


GOAL_STATUS = {'proposed': _l('Proposed'), 'planned': _l('Planned'), 'accepted': _l('Agreed'), 'active': _l('Working on it'),
               'on-hold': _l('Paused'), 'completed': _l('Reached'), 'cancelled': _l('Stopped'),
               'rejected': _l('Not chosen')}
PLAN_EVENT_LABELS = {'plan_created': _l('New care plan'), 'plan_status': _l('Status of the care plan changed'),
                     'plan_evaluated': _l('Care plan evaluated'), 'plan_changed': _l('Care plan changed'),
                     'goal_evaluated': _l('Goal evaluated')}
GENDERS = {'male': _l('Man'), 'female': _l('Woman'), 'other': _l('Other'), 'unknown': _l('Unknown')}
PRACTITIONER_ROLES = {'general_practitioner': _l('GP'), 'pharmacy': _l('Pharmacy'), 'care_team': _l('Care team'),
                      'other': _l('Other')}


def template_helpers():
    """Labels and dates for the dossier templates (create_app adds them)."""
    return {'plan_status_label': lambda status: PLAN_STATUS.get(status, status or ''),
            'gender_label': lambda value: GENDERS.get(value, value or ''), 'data_sections': data.visible_sections,
            'goal_status_label': lambda value: GOAL_STATUS.get(value, value or ''),
            'number': lambda value: format_decimal(value, format='#,##0.##'),
            'practitioner_role': lambda value: PRACTITIONER_ROLES.get(value, value or ''),
            'kind_label': lambda kind: KIND_LABELS.get(kind, kind), 'now': utcnow,
            'medication_stopped': medication.is_stopped, 'report_title': report_title,
            'plan_event_label': lambda event: PLAN_EVENT_LABELS.get(event, event),
            'end_month': lambda end: end - timedelta(days=1), 'hide_choices': hiding.choices,
            'source_name': source_name, 'wellbeing_asked': wellbeing.asking, 'access_who': accesses.who}


def _dossier_page(circle_id, what, detail=None):
    """Check the capability, send to the step-up when needed, and audit the read; returns (member, redirect)."""
    try:
        check_read(require(g.account, circle_id), what)
    except AppError as exc:
        raise refused(exc, g.account, circle_id, f'dossier.{what}', 'R', what) from None
    unlock = step_up_redirect()
    if unlock:
        return None, redirect(unlock, 303)
    return read_dossier(g.account, circle_id, what, detail), None
