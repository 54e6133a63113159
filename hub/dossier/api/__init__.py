"""The dossier routes of the JSON API, one module per part, all on one blueprint ("dossier_api", in base) so every
endpoint keeps its name; create_app registers it."""

from hub.dossier.api import goals, items, plans, reading, requests
from hub.dossier.api.base import bp

PARTS = (reading, plans, goals, items, requests)
__all__ = ['PARTS', 'bp']
