"""The care page routes of the JSON API, one module per part, all on one blueprint ("circle_api", in base) so
every endpoint keeps its name; create_app registers it."""

from hub.circle.api import board, calendar, help, members, messages, notes, wellbeing
from hub.circle.api.base import bp

PARTS = (members, messages, calendar, notes, board, help, wellbeing)
__all__ = ['PARTS', 'bp']
