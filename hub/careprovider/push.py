"""Records a provider pushes to the provider API: parsed by the adapter, each stored or refused on its own."""

from collections import Counter

from hub.careprovider.adapter import PushError
from hub.careprovider.models import Dossier, SyncRun
from hub.careprovider.sync import store
from hub.core.background import soon
from hub.core.text import has_lone_surrogate
from hub.core.timeutil import utcnow
from hub.extensions import db


def ingest(dossier: Dossier, adapter, payload) -> tuple[dict, list]:
    """Store records a provider pushed for a dossier; returns the counts and the refused records (index, reason).

    A record the common model does not take is refused with its index too; the others are stored.
    """
    counts, refused = Counter(), []
    for index, item in enumerate(adapter.parse_push(dossier.client_id, payload)):
        if isinstance(item, PushError):
            refused.append({'index': item.index, 'message': item.message})
            continue
        if has_lone_surrogate(item.payload):
            refused.append({'index': index, 'message': 'The record holds text that is not valid Unicode (a lone '
                                                       'UTF-16 surrogate).'})
            continue
        counts['received'] += 1
        rejected = counts['rejected']
        store(dossier, adapter, item, counts, via='push')
        if counts['rejected'] > rejected:
            refused.append({'index': index, 'message': 'The record does not fit the common model (a field is '
                                                       'missing, too long or of the wrong kind).'})
    dossier.sync_requested = True  # the provider has news: fetch the rest of it soon
    soon('carehub.sync_dossier', dossier.id)
    run = SyncRun(dossier_id=dossier.id, status='ok', finished_at=utcnow(),
                  counts={'pushed': 1, **{k: v for k, v in counts.items() if v}, 'refused': len(refused)})
    db.session.add(run)
    db.session.flush()
    return dict(run.counts), refused
