"""The local web page for facilitators: upload board photos, check and correct, download minutes.

    from cardscan.web import serve
    serve("~/cardscan-daten")            # http://127.0.0.1:8765/

`create_app(data_dir, password=None)` gives the Flask app (for tests or another WSGI server).
Flask and waitress are imported only when the web page is used, so `import cardscan` stays fast.
"""
from __future__ import annotations


def create_app(data_dir, password=None, **kw):
    from cardscan.web.app import create_app as _create_app

    return _create_app(data_dir, password=password, **kw)


def serve(data_dir, host: str = "127.0.0.1", port: int = 8765, password: str | None = None,
          behind_proxy: bool = False) -> None:
    from cardscan.web.app import serve as _serve

    _serve(data_dir, host=host, port=port, password=password, behind_proxy=behind_proxy)


__all__ = ["create_app", "serve"]
