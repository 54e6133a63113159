"""Downloading the dossier."""


from flask import (
    render_template,
    request,
)

from hub.account.access import login_required
from hub.core.errors import InvalidInput
from hub.dossier.download import download, download_detail
from hub.dossier.views.base import _dossier_page, bp


@bp.get('/circles/<circle_id>/export')
@login_required
def export_page(circle_id):
    """Choose the months and the format, then download (medical data: after the step-up)."""
    member, unlock = _dossier_page(circle_id, 'export' if request.args.get('download') else 'export_form',
                                   download_detail(request.args) if request.args.get('download') else None)
    if unlock:
        return unlock
    values, errors = {key: request.args.get(key, '') for key in ('from', 'to', 'format')}, {}
    if request.args.get('download'):
        try:
            return download(member, request.args)
        except InvalidInput as exc:  # the form again, with what was chosen and what to change
            errors = {'_form': [exc.message]}
    return render_template('dossier/export.html', member=member, values=values, errors=errors), 422 if errors else 200
