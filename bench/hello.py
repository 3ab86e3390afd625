"""The bare reference for bench/load.py: one Flask route answering "hello", no database, template or session.

Served by gunicorn with the production settings (bench/hello_gunicorn.conf.py), so the platform's figures read as
a share of what Flask itself does on the same server and machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """Answer a fixed text."""
    return "hello"
