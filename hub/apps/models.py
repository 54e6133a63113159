"""The apps the operator registered (SMART on FHIR clients)."""

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.core.db import CreatedMixin, IdMixin
from hub.extensions import Model


class App(IdMixin, CreatedMixin, Model):
    """An app members may connect: public (a phone or browser app, PKCE with S256 only) or confidential (a server
    with a secret, stored only as a keyed hash)."""

    __tablename__ = 'apps'

    #: the name the consent page and the access log show
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: public, random
    client_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: keyed hash of the secret of a confidential app (shown once); None: a public app
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    #: the exact addresses an answer may be sent to (compared whole, never by prefix)
    redirect_uris: Mapped[list] = mapped_column(JSON, nullable=False)

    @property
    def confidential(self) -> bool:
        return self.secret_hash is not None
