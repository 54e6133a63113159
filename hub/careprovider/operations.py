"""Provider logic: register providers, find dossiers, build adapters."""

import json

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from hub.careprovider.models import UPLOADS, Dossier, Provider
from hub.careprovider.registry import adapter_class
from hub.core.audit import audit
from hub.core.crypto import decrypt, encrypt
from hub.core.errors import Conflict, InvalidInput, NotFound
from hub.core.messages import translate_errors
from hub.extensions import db


def provider_by_name(name: str) -> Provider:
    """Return the provider called ``name`` or raise NotFound."""
    provider = db.session.execute(select(Provider).where(Provider.name == name)).scalar_one_or_none()
    if provider is None:
        raise NotFound(_l('There is no care provider with this name.'))
    return provider


def add_provider(name: str, adapter: str, settings: dict, sync_interval_minutes: int | None = None) -> Provider:
    """Register a care provider that uses ``adapter`` with ``settings`` (and its own sync interval, if given)."""
    choices = operator_adapters()
    if adapter not in choices:  # carehub's own adapter of uploads is not a provider's
        message = _l('There is no adapter with this name. Choose one of: %(names)s.', names=', '.join(choices))
        raise InvalidInput(message, code='unknown_adapter', fields={'adapter': [str(message)]})
    cls = adapter_class(adapter)
    try:
        cls.settings_schema().load(settings)
    except ValidationError as exc:
        raise InvalidInput(_l('The settings are not valid for this adapter.'), fields=translate_errors(exc.messages)) from None
    if db.session.execute(select(Provider.id).where(Provider.name == name)).first():
        raise Conflict(_l('A care provider with this name already exists.'))
    provider = Provider(name=name, adapter=adapter, settings_encrypted=encrypt(json.dumps(settings)),
                        sync_interval_minutes=sync_interval_minutes)
    db.session.add(provider)
    db.session.flush()
    audit('provider.add', 'C', target=f'provider:{provider.id}')
    return provider


def operator_adapters() -> list[str]:
    """The adapters an operator may give a provider: every registered one but carehub's own (uploads)."""
    return sorted(name for name in current_app.extensions['carehub.adapters'] if name != UPLOADS)


def provider_settings(provider: Provider) -> dict:
    """Return the decrypted settings of ``provider``."""
    return json.loads(decrypt(provider.settings_encrypted))


def adapter_for(provider: Provider):
    """Return a ready adapter for ``provider``."""
    return adapter_class(provider.adapter)(provider_settings(provider))


UPLOADS_PROVIDER = 'carehub: zelf toegevoegd'


def uploads_dossier(circle_id, account) -> Dossier:
    """Return the dossier of what ``account`` uploaded to a care page (one each), making it (and the uploads
    provider) if new. The care page links it (hub.dossier.documents)."""
    provider = db.session.execute(select(Provider).where(Provider.adapter == UPLOADS)).scalar_one_or_none()
    if provider is None:
        provider = Provider(name=UPLOADS_PROVIDER, adapter=UPLOADS, settings_encrypted=encrypt(json.dumps({})))
        db.session.add(provider)
        db.session.flush()
    dossier = get_or_create_dossier(provider, f'{circle_id}.{account.id}')
    dossier.uploaded_by = account.id
    return dossier


def get_or_create_dossier(provider: Provider, client_id: str) -> Dossier:
    """Return the hub's mirror of a client's dossier at ``provider``, making it if new."""
    dossier = db.session.execute(select(Dossier).where(
        Dossier.provider_id == provider.id, Dossier.client_id == client_id)).scalar_one_or_none()
    if dossier is None:
        dossier = Dossier(provider=provider, client_id=client_id)
        db.session.add(dossier)
        db.session.flush()
    return dossier


def dossier_of(provider: Provider, client_id: str) -> Dossier:
    """Return the provider's dossier of a client (dossiers exist only while linked), or raise NotFound."""
    dossier = db.session.execute(select(Dossier).where(
        Dossier.provider_id == provider.id, Dossier.client_id == client_id)).scalar_one_or_none()
    if dossier is None:
        raise NotFound(_l('This client has no linked dossier here.'))
    return dossier
