"""Who may use the page: the password login, the CSRF check on every change, protective headers.

`install(app)` registers the checks that run before and after every request; `bp` holds the login
and logout pages.
"""
from __future__ import annotations

import hmac
import secrets
import time

from flask import Blueprint, Flask, Response, abort, jsonify, redirect, render_template, request, session, url_for

from cardscan.web.state import current, json_body, wants_json

bp = Blueprint("auth", __name__)

LOGIN_ENDPOINT = "auth.login"
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                           "frame-ancestors 'none'; form-action 'self'")


def csrf_token() -> str:
    """The session's CSRF token (made on first use); every form and fetch sends it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def install(app: Flask) -> None:
    """Register the login and CSRF guard, the security headers and the login pages on `app`."""
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.before_request(_guard)
    app.after_request(_headers)
    app.register_blueprint(bp)


def _guard():
    if request.endpoint == "static":
        return None
    if current().password and not session.get("auth") and request.endpoint != LOGIN_ENDPOINT:
        if wants_json():
            return jsonify(error="Bitte zuerst anmelden."), 401
        return redirect(url_for(LOGIN_ENDPOINT, next=request.full_path if request.query_string else request.path))
    if request.method == "POST":
        sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf")
        if sent is None:
            sent = json_body().get("csrf")
        if not sent or not hmac.compare_digest(str(sent), session.get("csrf", "")):
            abort(403, description="Die Seite war veraltet. Bitte neu laden und noch einmal versuchen.")
    return None


def _headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    return resp


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    password = current().password
    error = None
    if request.method == "POST":
        if password and hmac.compare_digest(request.form.get("password", "").encode(), password.encode()):
            session["auth"] = True
            target = request.args.get("next", "/")
            safe = target.startswith("/") and not target.startswith("//") and "\\" not in target
            return redirect(target if safe else "/")
        time.sleep(1.0)  # slows down guessing; one facilitator typing wrong barely notices
        error = "Das Passwort stimmt nicht."
    return render_template("login.html", error=error), (401 if error else 200)


@bp.post("/abmelden")
def logout():
    session.clear()
    return redirect(url_for(LOGIN_ENDPOINT))
