"""The benchmark's ceiling: a toy Flask hello world, served by the same gunicorn settings.

`scripts/benchmark.py` starts it beside the app (`gunicorn -w 2 hello:app`, from this
folder) and measures `GET /` in turn with the app's scenarios, so that the app's pages are
weighed against what Flask itself costs on the same machine at the same moment.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest page Flask serves."""
    return "Hello, World!"
