"""The Flask extensions, created once and bound in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    'ix': 'ix_%(column_0_label)s',
    'uq': 'uq_%(table_name)s_%(column_0_name)s',
    'ck': 'ck_%(table_name)s_%(constraint_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:  # a type checker cannot see Flask-SQLAlchemy's model class, made when db is
    Model = Base
else:
    #: the base of every model: Base, with Flask-SQLAlchemy's session and table names
    Model = db.Model
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
#: per-IP limits; the key is the connection's address, never a header the client can change
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
