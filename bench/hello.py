"""The baseline of the web benchmark: a bare Flask hello world, served the same way as carehub."""

from flask import Flask

app = Flask(__name__)


@app.get('/')
def hello():
    return 'Hello, World!'
