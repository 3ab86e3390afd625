"""Configuration read from the environment, with safe defaults for a single machine."""

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    """Return DATABASE_URL normalised for SQLAlchemy, or SQLite in the instance folder."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "reform.db")
    # Hosting platforms hand out plain postgres:// URLs; we drive them with psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(instance_path: str) -> str:
    """Return SECRET_KEY, or one generated once and kept in the instance folder."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


# Settings of earlier versions that no longer do anything, and the one that took their place
# (docs/operations.md, "Upgrades"): the app names them in its log when it starts.
RETIRED = {
    "MAIL_WORKER": "JOBS_WORKER",
    "SEARCH_WORKER": "JOBS_WORKER",
    "MAIL_INTERVAL_SECONDS": "JOBS_INTERVAL_SECONDS",
    "SEARCH_INTERVAL_SECONDS": "JOBS_INTERVAL_SECONDS",
}


def retired_settings() -> dict[str, str]:
    """The retired settings this environment still sets, each with the setting that took its place."""
    return {name: instead for name, instead in RETIRED.items() if name in os.environ}


def engine_options(url: str) -> dict:
    """SQLAlchemy's engine options for the database at `url`."""
    # A failed statement's values (a resident's phone, say) stay out of error messages and so out of logs.
    options = {"hide_parameters": True}
    if not url.startswith("sqlite"):
        # A server may have closed a pooled connection (a restart, an idle timeout): test it when checked out.
        # A SQLite file has no connection to lose, and the test would be one more statement on every request.
        options["pool_pre_ping"] = True
    return options


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping that create_app() applies."""
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # Cookies: HttpOnly and SameSite always; Secure once served over HTTPS.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open all afternoon must still submit
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ["zh_CN", "en"],
        "PAGE_SIZE": int(os.environ.get("PAGE_SIZE", 50)),
        # The public pages' district name, organiser (主办单位) and contact, until the office sets them on the site
        # settings page (what it sets there wins).
        "DISTRICT_NAME": os.environ.get("DISTRICT_NAME", ""),
        "ORGANISER": os.environ.get("ORGANISER", ""),
        "CONTACT": os.environ.get("CONTACT", ""),
        # The office's to-do list names a referral the unit has not answered after this many days.
        "REFERRAL_OVERDUE_DAYS": int(os.environ.get("REFERRAL_OVERDUE_DAYS", 7)),
        # Rate limits count in this process by default; redis://host:6379 shares them between servers.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "reform"),
        # When the shared store is unreachable each process counts alone rather than refusing everyone.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # werkzeug's method string; the tests use a cheap one, production keeps scrypt.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # How long the set-your-password link mailed to an imported account serves (once).
        "PASSWORD_LINK_DAYS": int(os.environ.get("PASSWORD_LINK_DAYS", 7)),
        # Failed logins only: per address, and per username (a guess spread over many addresses).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "LOGIN_USERNAME_RATE_LIMIT": os.environ.get("LOGIN_USERNAME_RATE_LIMIT", "5 per minute; 30 per hour"),
        # Residents' public pages: the suggestion form and the tracking-code lookup.
        # The form counts only the suggestions it accepts (a refused form is corrected and sent again freely),
        # and every attempt, accepted or not, against a looser limit that stops a flood.
        "PUBLIC_POST_RATE_LIMIT": os.environ.get("PUBLIC_POST_RATE_LIMIT", "5 per minute; 50 per day"),
        "PUBLIC_ATTEMPT_RATE_LIMIT": os.environ.get("PUBLIC_ATTEMPT_RATE_LIMIT", "30 per minute; 300 per day"),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT", "30 per minute"),
        # The calls made with one API token, unless the office gave that token its own limit.
        "API_TOKEN_RATE_LIMIT": os.environ.get("API_TOKEN_RATE_LIMIT", "1000 per hour"),
        # Attachments: "local" (files in UPLOAD_FOLDER) or "database" (rows of the database, several machines).
        "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", "local"),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_MB", 20)) * 1024 * 1024,
        "ATTACHMENTS_PER_PROPOSAL": int(os.environ.get("ATTACHMENTS_PER_PROPOSAL", 10)),
        "IMPORT_MAX_BYTES": int(os.environ.get("IMPORT_MAX_MB", 5)) * 1024 * 1024,
        # What an import reads of a spreadsheet, whatever it claims: a workbook's parts unpacked (refused before any
        # is parsed), its rows below the header (blank ones aside) and its columns (cells further right are not read).
        # The defaults take a 200,000-row suggestion sheet.
        "IMPORT_MAX_UNPACKED_BYTES": int(os.environ.get("IMPORT_MAX_UNPACKED_MB", 100)) * 1024 * 1024,
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", 200_000)),
        "IMPORT_MAX_COLUMNS": int(os.environ.get("IMPORT_MAX_COLUMNS", 50)),
        # A larger suggestion file is imported by a background job (a progress bar, then what it imported or why
        # not); a smaller one at once, in the office's request.
        "IMPORT_INLINE_MAX_BYTES": int(os.environ.get("IMPORT_INLINE_MAX_KB", 1024)) * 1024,
        # A request larger than this is refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": (int(os.environ.get("ATTACHMENT_MAX_MB", 20)) + 5) * 1024 * 1024,
        # Outgoing mail; without MAIL_SERVER messages wait in the outbox.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "reform-office@localhost"),
        # The background worker (jobs/), which delivers the outbox, applies the search queue and runs the jobs:
        # "thread" runs it in each server process, "none" leaves it to `flask worker`. It looks every this often.
        "JOBS_WORKER": os.environ.get("JOBS_WORKER", "thread"),
        "JOBS_INTERVAL_SECONDS": float(os.environ.get("JOBS_INTERVAL_SECONDS", 1)),
        # A job done (an export, say) is kept this many days, with the file it made, then forgotten.
        "JOBS_KEEP_DAYS": int(os.environ.get("JOBS_KEEP_DAYS", 7)),
        # An export of more rows than this is made in the background (a progress bar, then a link); smaller ones
        # stream at once. A sheet of an Excel export holds at most this many rows (Excel's limit), then goes on.
        "EXPORT_INLINE_MAX_ROWS": int(os.environ.get("EXPORT_INLINE_MAX_ROWS", 50_000)),
        # A bulk triage of "all matching" (the list's filter, a whole theme) on more suggestions than this is
        # previewed by its count and made by a background job (a progress bar, then what it changed and left).
        "BULK_INLINE_MAX": int(os.environ.get("BULK_INLINE_MAX", 500)),
        "EXPORT_SHEET_MAX_ROWS": int(os.environ.get("EXPORT_SHEET_MAX_ROWS", 1_048_576)),
        # Start them in the process that creates the app (`flask run`); gunicorn starts them in each worker.
        "START_WORKERS": _bool("START_WORKERS", False),
        # Near-duplicate suggestions: a group of at least this many copies sent within this many hours is flagged
        # on the dashboard as a campaign (many near-copies in a short time).
        "CAMPAIGN_MIN_COPIES": int(os.environ.get("CAMPAIGN_MIN_COPIES", 10)),
        "CAMPAIGN_HOURS": int(os.environ.get("CAMPAIGN_HOURS", 72)),
        # The PDF of each official document is made from its Word document by LibreOffice (`soffice`), with the
        # fonts of deploy/fontconfig/fonts.conf standing in for the official ones a server lacks.
        "SOFFICE": os.environ.get("SOFFICE", "soffice"),
        "PDF_FONTCONFIG_FILE": os.environ.get("PDF_FONTCONFIG_FILE")
        or str(Path(__file__).resolve().parent / "deploy" / "fontconfig" / "fonts.conf"),
        # Full-text search: "whoosh" (files in SEARCH_INDEX_DIR) or "postgresql" (the database itself).
        "SEARCH_BACKEND": os.environ.get("SEARCH_BACKEND", "whoosh"),
        "SEARCH_INDEX_DIR": os.environ.get("SEARCH_INDEX_DIR") or str(Path(instance_path) / "search-index"),
        # PostgreSQL's newest first and browsing count the matches up to this many, then say "1,000+".
        "SEARCH_COUNT_CAP": int(os.environ.get("SEARCH_COUNT_CAP", 1000)),
        # `flask backup`: where archives go, and (PostgreSQL) the folder of pg_dump, pg_restore and psql.
        "BACKUP_FOLDER": os.environ.get("BACKUP_FOLDER") or str(Path(instance_path) / "backups"),
        "PG_BIN_DIR": os.environ.get("PG_BIN_DIR", ""),
        # /health fails the search check when the oldest queued change has waited longer than this.
        "SEARCH_QUEUE_MAX_AGE_SECONDS": float(os.environ.get("SEARCH_QUEUE_MAX_AGE_SECONDS", 300)),
        # Logs are JSON lines on standard error, from this level up.
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        # Proxies in front of the server (a load balancer, nginx) whose X-Forwarded-For and -Proto to trust.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
    }
