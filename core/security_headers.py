"""The security and caching headers every answer carries."""

from flask import current_app, g, request
from flask_login import current_user

# No inline script or style anywhere: every asset is a vendored file served from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
# No page uses the camera, the microphone, the location or payments; nothing embedded may either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000"


def set_security_headers(response):
    """Add the security headers every answer carries; HSTS only when the site is served over HTTPS."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    elif _readers_own():
        response.headers.setdefault("Cache-Control", "private")
    return response


def _private(response) -> bool:
    """Whether an answer may hold what only its reader should see, so no browser or proxy may keep a copy.

    That is every answer to a logged-in user or a program with a token (contact details, drafts, reviews),
    every download (an export of contacts) and every answer to a form sent (a refused one shows back the name
    and phone typed). The public pages as anyone gets them, and the site's own files, may be kept (see
    _readers_own for by whom).
    """
    if request.endpoint == "static" or response.cache_control.public:
        return False  # the site's own files, and what a view declared the same for every reader (an emblem)
    return (
        request.method not in {"GET", "HEAD"}
        or response.headers.get("Content-Disposition", "").startswith("attachment")
        or "Authorization" in request.headers
        or current_user.is_authenticated
    )


def _readers_own() -> bool:
    """Whether a page that anyone may get is still this reader's own: it carries their CSRF token (every page
    does, in its head; the suggestion form in its form too), which another reader's session would refuse. Their
    browser may keep it; a shared cache (a reverse proxy) may not hand it to the next reader."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g
