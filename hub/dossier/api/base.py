"""What the dossier routes of the JSON API share: the blueprint ("dossier_api"), which resolves who asks before
a body is read."""

from hub.circle.access import member_first
from hub.dossier import documents
from hub.web import ApiBlueprint, allow_large_body

bp = ApiBlueprint('dossier_api', __name__, url_prefix='/api/v1')
bp.before_request(member_first)  # who asks, before what they sent
allow_large_body('dossier_api.upload_document', documents.MAX_BYTES)

#: a file answered as it is (a document, opened)
FILE = {'description': 'The file itself', 'content': {'application/octet-stream': {'schema': {'type': 'string'}}}}
