"""Who may use the page: the password login, the CSRF check on every change, protective headers.

`install(app)` registers the checks that run before and after every request; `bp` holds the login
and logout pages. With a password, a login is a server-side session (cardscan.web.sessions: logout
and a new password end it, 12 hours at most) and guessing is limited per client and in total
(cardscan.web.ratelimit: 429 with Retry-After, no thread is held).
"""
from __future__ import annotations

import hmac
import secrets

from flask import (Blueprint, Flask, Response, abort, jsonify, redirect, render_template, request, session,
                   url_for)

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
    if current().password and not logged_in() and request.endpoint != LOGIN_ENDPOINT:
        if session.get("sid"):  # logged out elsewhere, expired or made with another password
            session.clear()
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
    if request.is_secure:  # served over HTTPS (or so says the trusted proxy): browsers keep to it
        resp.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return resp


def logged_in() -> bool:
    """A live login: the session id in the cookie is one the server still holds open."""
    state = current()
    return bool(session.get("auth")) and state.sessions is not None and state.sessions.valid(session.get("sid"))


def _safe_target(target: str) -> str:
    safe = target.startswith("/") and not target.startswith("//") and "\\" not in target
    return target if safe else "/"


def _too_many(wait: int):
    minutes = max(1, -(-wait // 60))
    error = (f"Zu viele falsche Versuche. Bitte in {minutes} Minute{'n' if minutes != 1 else ''} "
             "noch einmal versuchen.")
    if wants_json():
        resp = jsonify(error=error)
    else:
        resp = Response(render_template("login.html", error=error))
    resp.status_code = 429
    resp.headers["Retry-After"] = str(wait)
    return resp


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    state = current()
    if request.method == "GET" or not state.password:
        return render_template("login.html", error=None), 200
    client = request.remote_addr or "?"
    wait = state.limiter.retry_after(client)
    if wait:  # locked: the password is not even looked at, so guessing on learns nothing
        return _too_many(wait)
    if hmac.compare_digest(request.form.get("password", "").encode(), state.password.encode()):
        state.limiter.succeeded(client)
        csrf = session.get("csrf")  # the page's token stays (other open tabs keep working)
        session.clear()  # a fresh session id on login: none fixed in advance carries over
        if csrf:
            session["csrf"] = csrf
        session.permanent = True
        session["sid"] = state.sessions.open()
        session["auth"] = True
        return redirect(_safe_target(request.args.get("next", "/")))
    wait = state.limiter.failed(client)
    if wait:
        return _too_many(wait)
    return render_template("login.html", error="Das Passwort stimmt nicht."), 401


@bp.post("/abmelden")
def logout():
    state = current()
    if state.sessions is not None:
        state.sessions.close(session.get("sid"))
    session.clear()
    return redirect(url_for(LOGIN_ENDPOINT))
