"""Every error as a German page (or JSON for scripts and our own fetch calls), never Werkzeug's English."""
from __future__ import annotations

from flask import Flask, Response, jsonify, render_template

from cardscan.web import uploads
from cardscan.web.state import wants_json

MESSAGES = {400: "Die Anfrage war unvollständig.", 403: "Keine Berechtigung.",
            404: "Diese Seite gibt es nicht.", 405: "So geht das hier nicht.",
            413: (f"Zu viele oder zu große Dateien auf einmal (höchstens "
                  f"{uploads.MAX_REQUEST_BYTES // (1024 * 1024)} MB zusammen, "
                  f"{uploads.MAX_FILE_BYTES // (1024 * 1024)} MB je Foto). "
                  "Bitte in mehreren Schritten hochladen."),
            429: "Zu viele Versuche. Bitte etwas warten und dann noch einmal versuchen."}
SERVER_ERROR = "Interner Fehler. Ihre bisherigen Änderungen sind gespeichert; bitte die Seite neu laden."


def install(app: Flask) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, http_error)
    app.register_error_handler(500, server_error)


def http_error(err):
    code = getattr(err, "code", 500)
    desc = getattr(err, "description", None)
    # Our own descriptions are German; Werkzeug's defaults ("The requested URL …") are replaced.
    own = desc and not desc.startswith(("The ", "You ", "Bad "))
    message = desc if code != 413 and own else MESSAGES.get(code, "Fehler.")
    if code == 400 and "not trusted" in str(desc):  # DNS rebinding or a typo: no URLs can be built here
        return Response("Unbekannte Adresse. Bitte die Seite über http://127.0.0.1 öffnen.\n", 400,
                        mimetype="text/plain")
    if wants_json():
        return jsonify(error=message), code
    return render_template("error.html", code=code, message=message), code


def server_error(err):
    if wants_json():
        return jsonify(error=SERVER_ERROR), 500
    return render_template("error.html", code=500, message=SERVER_ERROR), 500
