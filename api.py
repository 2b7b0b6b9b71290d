"""The FLASK_APP entry point: `export FLASK_APP=api.py && flask run`."""

from service import create_app

app = create_app()
