"""Browsers an account has logged in from: a signed cookie that spares them strangers' failed guesses.

Failed logins are counted per username too (LOGIN_USERNAME_RATE_LIMIT), so guesses at one account spread over
many addresses slow down; but then anyone could keep the account's own user out. A browser that logged in to the
account before carries a cookie naming it, signed with SECRET_KEY (itsdangerous), and its attempts are counted
apart from everyone else's. The cookie holds, per account, a digest of the password's hash: once the password
is changed or reset, the browsers that knew the old one are strangers again.
"""

import hmac

from flask import after_this_request, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts import queries
from accounts.models import User
from accounts.passwords import password_digest

COOKIE = "known_device"
MAX_AGE = 365 * 24 * 3600  # a browser used once a year is still known
MAX_ACCOUNTS = 5  # the accounts last logged in from this browser


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="accounts.known-device")


def _key(username: str) -> str:
    return username.strip().lower()


def _accounts() -> dict[str, str]:
    """The accounts this request's cookie names, with their digests; empty when it is missing, forged or old."""
    try:
        accounts = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=MAX_AGE)
    except BadSignature:  # SignatureExpired is one
        return {}
    return accounts if isinstance(accounts, dict) else {}


def is_known(username: str) -> bool:
    """Whether this browser has logged in to `username` with its current password."""
    digest = _accounts().get(_key(username))
    if not isinstance(digest, str):
        return False
    user = queries.user_by_username(username)
    return user is not None and hmac.compare_digest(digest, password_digest(user))


def remember(user: User) -> None:
    """Name `user` in this browser's cookie when the answer to this request goes out (a successful login)."""
    accounts = {_key(user.username): password_digest(user)} | {
        name: digest for name, digest in _accounts().items() if name != _key(user.username)
    }
    value = _serializer().dumps(dict(list(accounts.items())[:MAX_ACCOUNTS]))

    @after_this_request
    def set_cookie(response):
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            path=url_for("accounts.login"),  # only the login form reads it
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response
