"""Set-your-password links, mailed to an account the office imported instead of a password in clear.

The link's token is signed with SECRET_KEY (itsdangerous) and expires after PASSWORD_LINK_DAYS. It names the
account and a digest of its password's hash, so it serves once: setting the password changes the hash, and
the link no longer matches (nor does it after any other change of the password).
"""

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts.models import User
from accounts.passwords import password_digest
from core.urls import external_url
from extensions import db


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="accounts.set-password")


def password_link(user: User) -> str:
    """The full address of the page where `user` sets their password (the user must have been flushed)."""
    token = _serializer().dumps({"user": user.id, "digest": password_digest(user)})
    return external_url("accounts.set_password", token=token)


def user_for_token(token: str) -> User | None:
    """The active account a link's token names, or None when it is forged, expired or already used."""
    max_age = current_app.config["PASSWORD_LINK_DAYS"] * 24 * 3600
    try:
        claims = _serializer().loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("user"), int):
        return None
    user = db.session.get(User, claims["user"])
    if user is None or not user.active or not hmac.compare_digest(str(claims.get("digest")), password_digest(user)):
        return None
    return user
