"""The dossier's pages, one module per part, all on one blueprint ("dossier", in base) so every page keeps its
endpoint name; create_app registers it."""

from hub.dossier.views import (
    accesses,
    corrections,
    data,
    documents,
    export,
    goals,
    measurements,
    medication,
    overview,
    plans,
    reading,
    shares,
)
from hub.dossier.views.base import bp, report_title, template_helpers

PARTS = (overview, reading, data, plans, accesses, measurements, export, shares, documents, corrections, medication,
         goals)
__all__ = ['PARTS', 'bp', 'report_title', 'template_helpers']
