"""Fixtures of the browser tests: the real app served on a free local port, Debian's Chromium driven by Playwright.

The tests need /usr/bin/chromium (Debian's `chromium`, with `fonts-noto-cjk` for the Chinese text), Playwright
for Python (requirements-dev.txt; never `playwright install`, which downloads a browser of its own) and, for
the accessibility audit, axe-core from the npm registry (fetched once into .cache/axe). Whatever is missing,
the tests are skipped with a reason saying so.
"""

import importlib.util
import os
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from extensions import db
from tests.conftest import TEST_DATABASE_URL, Client
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # Debian's fonts-noto-cjk
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_VERSION = "4.14.1"
AXE_DIR = ROOT / ".cache" / "axe"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
HERE = Path(__file__).parent


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if TEST_DATABASE_URL:
        # They always use a SQLite database of their own: a second run would repeat the same test.
        return "browser tests run in the SQLite run of scripts/test.sh only (TEST_DATABASE_URL is set)"
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"Debian's Chromium ({CHROMIUM}: apt-get install chromium)")
    if not CJK_FONT.exists():
        missing.append(f"Debian's Chinese fonts ({CJK_FONT}: apt-get install fonts-noto-cjk)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright for Python (pip install -r requirements-dev.txt)")
    return "browser tests skipped, missing: " + "; ".join(missing) if missing else None


def pytest_collection_modifyitems(config, items):
    reason = missing_requirements()
    if reason:
        for item in items:
            if HERE in item.path.parents:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app the browser talks to, on a SQLite database of its own (it replaces the suite's `app` here).

    The suite's `_context` fixture then runs each browser test in this app's context and empties this
    database after it, so the factories and services of a test's set-up write where the server reads.
    """
    instance = tmp_path_factory.mktemp("browser-instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'browser.db'}",
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "PUBLIC_POST_RATE_LIMIT": "10000 per minute",
            "PUBLIC_ATTEMPT_RATE_LIMIT": "10000 per minute",
            "LOOKUP_RATE_LIMIT": "10000 per minute",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    app.test_client_class = Client
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


class QuietHandler(WSGIRequestHandler):
    """Serves like werkzeug's own, without a log line a request (errors are still logged)."""

    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="session")
def live_server(app):
    """The app served by werkzeug in a thread on a free 127.0.0.1 port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_tab(browser, live_server):
    """Open a fresh browser tab (its own cookies) of a viewport's size on the live server; closed after the test.

    Confirmation dialogs are accepted, as the user who clicked the button would.
    """
    contexts = []

    def open_tab(viewport: str, **options):
        context = browser.new_context(base_url=live_server, locale="zh-CN", **VIEWPORTS[viewport], **options)
        contexts.append(context)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield open_tab
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the staff login form (from the header's link), as whoever was there logs out."""
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


# The elements that stick out of the window, sideways, outside any box that scrolls them. (A phone widens
# its layout to fit such a page and shrinks it all: the window's own width is the measure.)
STICKING_OUT = """(width) => {
  if (document.documentElement.scrollWidth <= width) return [];
  const out = (el) => el.getBoundingClientRect().right > width + 1;
  const named = (el) =>
    el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + [...el.classList].map((c) => "." + c).join("");
  const scrolled = (el) => {
    // (roughly: a box that is not positioned does not clip what is positioned absolutely inside it)
    if (["absolute", "fixed"].includes(getComputedStyle(el).position)) return false;
    for (let box = el.parentElement; box; box = box.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(box).overflowX)) return true;
    }
    return false;
  };
  const found = [...document.body.querySelectorAll("*")].filter(
    (el) => out(el) && !scrolled(el) && ![...el.children].some(out),
  );
  return found.length ? found.map(named) : ["the page is wider than the window"];
}"""


class Album:
    """The screenshots of one run, full page and numbered in order, under test-artifacts/browser/<name>/.

    Each shot also notes the page's elements that make the window scroll sideways (`sideways`); the tabs it
    watches note what their console reports as errors (`errors`), such as what the Content-Security-Policy
    refused.
    """

    def __init__(self, name: str):
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0
        self.sideways = {}
        self.errors = []

    def watch(self, page):
        page.on(
            "console", lambda message: message.type == "error" and self.errors.append(f"{page.url}: {message.text}")
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page

    def shoot(self, page, step: str) -> None:
        self.count += 1
        name = f"{self.count:02d}-{step}"
        page.screenshot(path=self.folder / f"{name}.png", full_page=True)
        if sticking_out := page.evaluate(STICKING_OUT, page.viewport_size["width"]):
            self.sideways[name] = sticking_out


def axe_script() -> Path:
    """axe-core's script, fetched once from the npm registry into .cache/axe (git-ignored)."""
    script = AXE_DIR / f"axe-{AXE_VERSION}.min.js"
    if script.exists():
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip(f"accessibility audit skipped, missing: npm to fetch axe-core@{AXE_VERSION}")
    AXE_DIR.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(AXE_DIR), "--silent"],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"accessibility audit skipped, missing: axe-core@{AXE_VERSION} (npm pack failed: {error})")
    archive = AXE_DIR / done.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        script.write_bytes(tar.extractfile("package/axe.min.js").read())
    archive.unlink()
    return script


@pytest.fixture(scope="session")
def axe() -> Path:
    return axe_script()
