"""The account routes of the JSON API, one module per part, all on one blueprint ("account_api", in base) so
every endpoint keeps its name; create_app registers it."""

from hub.account.api import factors, me, password, session, speech
from hub.account.api.base import bp

PARTS = (session, me, factors, password, speech)
__all__ = ['PARTS', 'bp']
