"""Documents: the list, an upload, opening one."""


from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from hub.account.access import account_key, login_required, upload_limit
from hub.circle.access import MANAGE, can
from hub.dossier import (
    documents,
    hiding,
)
from hub.dossier.schemas import (
    DocumentSchema,
)
from hub.dossier.views.base import _dossier_page, bp
from hub.extensions import limiter
from hub.web import file_response, form_data, form_step, parse_id, uploaded_file


@bp.route('/circles/<circle_id>/documents', methods=['GET', 'POST'])
@login_required
@limiter.limit(upload_limit, key_func=account_key, methods=['POST'],
               exempt_when=lambda: request.form.get('action') == 'remove')
def documents_page(circle_id):
    """The documents of the providers and what members uploaded; upload a file or a FHIR file; remove one's own."""
    member, unlock = _dossier_page(circle_id, 'documents')
    if unlock:
        return unlock
    errors, status, values = {}, 200, {}
    if request.method == 'POST' and request.form.get('action') == 'remove':
        documents.remove(member, g.account, parse_id(request.form.get('document_id')))
        return redirect(url_for('dossier.documents_page', circle_id=member.circle_id, removed=1), 303)
    if request.method == 'POST':
        values = form_data('title')
        with form_step() as step:
            upload = uploaded_file('file', documents.MAX_BYTES)
            title = DocumentSchema().load({'title': values.get('title') or None})['title']
            document = documents.upload(member, g.account, title, upload)
        if step.ok:
            return redirect(url_for('dossier.documents_page', circle_id=member.circle_id, added=document.kind), 303)
        errors, status = step.errors, step.status
    items = documents.documents_of(member)
    hide = {str(record_id): helpers for record_id, helpers in hiding.choices_for(
        member, [parse_id(item['id']) for item in items if item['source'] == 'provider']).items()} \
        if can(member, MANAGE) else {}
    return render_template('dossier/documents.html', member=member, items=items, hide=hide, errors=errors,
                           values=values), status


@bp.get('/circles/<circle_id>/documents/<document_id>')
@login_required
def document_page(circle_id, document_id):
    """Open one document (audited; a provider's is fetched from the provider now)."""
    document_id = parse_id(document_id)
    member, unlock = _dossier_page(circle_id, 'document', document_id)
    if unlock:
        return unlock
    content_type, data, title = documents.open_document(member, document_id)
    return file_response(data, content_type, documents.file_name(title, content_type),
                         content_type in documents.INLINE)
