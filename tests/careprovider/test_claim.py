"""A dossier syncs in one worker at a time: the claim, its renewal, its release, and a claim that ran out."""

from datetime import timedelta

from sqlalchemy import select, update


def test_a_claimed_dossier_is_skipped_until_released_or_run_out(app, db, provider):
    from hub.careprovider.models import Dossier
    from hub.careprovider.operations import get_or_create_dossier, provider_by_name
    from hub.careprovider.schedule import claim, release
    from hub.core.timeutil import utcnow
    from hub.worker import sync_one
    name = provider()
    dossier_id = db.run(lambda: get_or_create_dossier(provider_by_name(name), 'client-1').id)
    assert db.run(claim, [dossier_id]) == [dossier_id]
    assert db.run(claim, [dossier_id]) == []  # a second worker does not get it
    assert sync_one_in(app, sync_one, dossier_id) is None  # ... and does not sync it
    db.run(release, [dossier_id])
    assert db.run(claim, [dossier_id]) == [dossier_id]
    db.execute(update(Dossier).values(sync_claimed_until=utcnow() - timedelta(seconds=1)))  # its worker died
    assert db.run(claim, [dossier_id]) == [dossier_id]
    db.run(release, [dossier_id])
    status, _, _ = sync_one_in(app, sync_one, dossier_id)  # nothing listens on the provider's port
    assert status == 'failed'
    [dossier] = db.scalars(select(Dossier))
    assert dossier.sync_claimed_until is None  # let go after the sync, also after a failed one


def sync_one_in(app, sync_one, dossier_id):
    with app.app_context():
        return sync_one(dossier_id)
