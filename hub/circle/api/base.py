"""What the care page routes of the JSON API share: the blueprint ("circle_api"), which resolves who asks before
a body is read."""

from hub.circle.access import member_first
from hub.web import ApiBlueprint

bp = ApiBlueprint('circle_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent
