"""The pages of a care page, one module per part. They all add their routes to one blueprint ("circle", in
base), so every page keeps its endpoint name; create_app registers it, after importing this package names every part.
"""

from hub.circle.views import board, calendar, help, members, messages, notes, today, wellbeing
from hub.circle.views.base import bp, template_helpers

PARTS = (members, messages, calendar, notes, board, help, wellbeing, today)
__all__ = ['PARTS', 'bp', 'template_helpers']
