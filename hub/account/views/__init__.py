"""The account pages, one module per part, all on one blueprint ("account", in base) so every page keeps its
endpoint name; create_app registers it."""

from hub.account.views import profile, second_step, signin
from hub.account.views.base import bp

PARTS = (signin, profile, second_step)
__all__ = ['PARTS', 'bp']
