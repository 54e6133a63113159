"""What the account pages share: the blueprint ("account")."""

from pathlib import Path

from flask import Blueprint

bp = Blueprint('account', __name__, template_folder=str(Path(__file__).parent.parent / 'templates'))
