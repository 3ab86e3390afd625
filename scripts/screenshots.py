"""Take the user guides' screenshots: the demo served on a free local port, driven in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py          # every shot, into docs/images/{zh,en}/
    .venv/bin/python scripts/screenshots.py ranking  # only the shots whose name contains "ranking"
    .venv/bin/python scripts/screenshots.py plan,home  # … contains "plan" or "home"

It makes a SQLite database of its own in a temporary folder, loads the demo (`flask demo load`), builds the
search index, serves the app with werkzeug in a thread, logs in as each demo role and saves what the guides
show, 1280 pixels wide, in Chinese (and a few in English), and the first and last pages of the demo plan's PDF
(`plan-document`: LibreOffice and poppler-utils needed). Run it again after changing a page the guides show,
and commit the images. It needs what the browser tests need: /usr/bin/chromium, fonts-noto-cjk and Playwright
for Python (never `playwright install`). With Debian's `pngquant` on the PATH the images are made smaller.
"""

import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from app import create_app  # noqa: E402
from demo.cli import DEMO_PASSWORD, load_demo  # noqa: E402
from demo.jinwan import YEAR as JINWAN_YEAR  # noqa: E402
from extensions import db  # noqa: E402

IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}


@dataclass
class Shot:
    name: str  # file name without .png, under docs/images/<language>/
    user: str | None  # the demo login, or None for a resident
    path: str
    language: str = "zh"
    full_page: bool = False  # the whole page rather than the first screen (capped at 2,000 pixels)


def demo_paths() -> dict[str, object]:
    """The ids the shots need, read from the demo just loaded."""
    from accounts.models import User
    from plan.models import KeyProject, Plan
    from review.models import Assignment, SuggestionReview
    from solicitation.models import Round, Suggestion, SuggestionStatus

    rounds = list(db.session.scalars(select(Round).order_by(Round.year)))
    history, upcoming = rounds[0], rounds[-1]
    # A round may publish several plans: Longgang's has one; Jinwan's 2023 round has two, the 点题 list the second.
    plan = db.session.scalars(select(Plan).where(Plan.round_id == history.id).order_by(Plan.id)).first()
    jinwan = db.session.scalar(select(Round).where(Round.year == JINWAN_YEAR))
    topics = db.session.scalars(select(Plan).where(Plan.round_id == jinwan.id).order_by(Plan.id)).all()[-1]
    fagaiju = db.session.scalar(select(User).where(User.username == "unit.fagaiju"))
    project = db.session.scalar(
        select(KeyProject).where(KeyProject.plan_id == plan.id, KeyProject.lead_unit_id == fagaiju.unit_id)
    )
    liu = db.session.scalar(select(User).where(User.username == "expert.liu"))
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.expert_id == liu.id, Assignment.published).order_by(Assignment.id)
    )
    screening = db.session.scalar(
        select(SuggestionReview)
        .where(SuggestionReview.expert_id == liu.id, SuggestionReview.submitted_at.is_(None))
        .order_by(SuggestionReview.id)
    )
    adopted = db.session.scalar(
        select(Suggestion).where(Suggestion.round_id == upcoming.id, Suggestion.status == SuggestionStatus.adopted)
    )
    accepted = db.session.scalar(
        select(Suggestion).where(Suggestion.round_id == upcoming.id, Suggestion.status == SuggestionStatus.accepted)
    )
    return {
        "history": history.id,
        "upcoming": upcoming.id,
        "plan": plan.id,
        "topics_plan": topics.id,
        "project": project.id,
        "assignment": assignment.id,
        "screening": screening.id if screening else None,
        "adopted_code": adopted.tracking_code,
        "accepted": accepted.id,
    }


def shots(ids: dict) -> list[Shot]:
    """What the guides show, in the order they show it."""
    h, u, plan = ids["history"], ids["upcoming"], ids["plan"]
    listed = [
        Shot("public-home", None, "/"),
        Shot("public-suggest", None, "/suggest"),
        Shot("public-track", None, f"/track?code={ids['adopted_code']}", full_page=True),
        Shot("public-plan", None, f"/plans/{plan}"),
        Shot("public-plan-parts", None, f"/plans/{ids['topics_plan']}", full_page=True),
        Shot("office-home", "office", "/"),
        Shot("office-round", "office", f"/rounds/{u}", full_page=True),
        Shot("office-suggestions", "office", f"/rounds/{u}/suggestions"),
        Shot("office-suggestion", "office", f"/suggestions/{ids['accepted']}", full_page=True),
        Shot("office-themes", "office", f"/rounds/{u}/themes"),
        Shot("office-assignments", "office", f"/rounds/{h}/assignments"),
        Shot("office-review-progress", "office", f"/rounds/{h}/review-progress"),
        Shot("office-ranking", "office", f"/rounds/{h}/ranking"),
        Shot("office-plan", "office", f"/rounds/{h}/plan"),
        Shot("office-progress", "office", f"/plans/{plan}/progress"),
        Shot("office-progress-parts", "office.jinwan", f"/plans/{ids['topics_plan']}/progress"),
        Shot("unit-home", "unit.pinghu", "/"),
        Shot("unit-proposal-form", "unit.zhengwuban", f"/rounds/{u}/proposals/new", full_page=True),
        Shot("unit-proposals", "unit.pinghu", f"/rounds/{u}/proposals"),
        Shot("unit-progress", "unit.fagaiju", "/progress"),
        Shot("unit-progress-form", "unit.fagaiju", f"/key-projects/{ids['project']}/progress/3", full_page=True),
        Shot("expert-reviews", "expert.liu", "/reviews"),
        Shot("expert-review-form", "expert.liu", f"/reviews/{ids['assignment']}", full_page=True),
        Shot("leader-dashboard", "leader.gao", f"/rounds/{h}/dashboard"),
        Shot("leader-battle-map", "leader.gao", f"/plans/{plan}/battle-map"),
        Shot("public-home", None, "/", language="en"),
        Shot("office-ranking", "office", f"/rounds/{h}/ranking", language="en"),
        Shot("office-themes", "office", f"/rounds/{u}/themes", language="en"),
        Shot("unit-proposal-form", "unit.zhengwuban", f"/rounds/{u}/proposals/new", language="en"),
        Shot("expert-review-form", "expert.liu", f"/reviews/{ids['assignment']}", language="en"),
    ]
    if ids["screening"]:
        listed.insert(22, Shot("expert-suggestion-screening", "expert.liu", f"/suggestion-reviews/{ids['screening']}"))
    return listed


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def serve_demo(instance: Path):
    """Create the app on its own SQLite database with the demo and its search index; serve it in a thread."""
    from search_index import services as search
    from solicitation.services.themes import compute_themes

    # The catalogues are compiled by scripts/_setup.sh; compile them here too, or the pages are in English.
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "compile", "--use-fuzzy", "-d", str(ROOT / "translations")], check=True, capture_output=True
    )
    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "screenshots",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'demo.db'}",
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "SEARCH_INDEX_DIR": str(instance / "search-index"),
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "LOGIN_USERNAME_RATE_LIMIT": "10000 per minute",
            "LOG_LEVEL": "WARNING",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        load_demo()
        search.rebuild()
        ids = demo_paths()
        compute_themes(round_id=ids["upcoming"], progress=lambda *args, **kwargs: None)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, ids


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def take(browser, base_url: str, shot: Shot) -> Path:
    context = browser.new_context(base_url=base_url, locale="zh-CN", viewport=VIEWPORT)
    try:
        page = context.new_page()
        if shot.user:
            log_in(page, shot.user)
        if shot.language != "zh":
            page.goto(f"/language/{shot.language}")
        page.goto(shot.path)
        target = IMAGES / shot.language / f"{shot.name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if shot.full_page:
            height = min(page.evaluate("document.documentElement.scrollHeight"), 2000)
            page.screenshot(
                path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
            )
        else:
            page.screenshot(path=str(target))
        return target
    finally:
        context.close()


def document_pages(app) -> list[Path]:
    """plan-document and plan-document-last-page: the first and last pages of the demo plan's PDF as published,
    made as the worker makes it (LibreOffice), 579 pixels wide."""
    from core.pdf import docx_to_pdf
    from plan import queries
    from plan.models import Plan
    from plan.services.documents import plan_document

    with app.app_context():
        plan = db.session.scalars(select(Plan).order_by(Plan.id)).first()
        pdf = docx_to_pdf(plan_document(queries.published_version(plan.id).snapshot))
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout
        last = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
        made = []
        for name, page in (("plan-document", 1), ("plan-document-last-page", last)):
            target = IMAGES / "zh" / name
            size = ["-scale-to-x", "579", "-scale-to-y", "819"]
            subprocess.run(
                ["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), *size, file.name, str(target)],
                check=True,
            )
            made.append(target.with_suffix(".png"))
    return made


def shrink(path: Path) -> None:
    """Quantise to 256 colours with pngquant when it is installed (a third of the size, text still sharp)."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--output", str(path), "256", str(path)], check=False
        )


def main(only: str = "") -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="reform-screenshots-") as folder:
        print("Loading the demo ...", flush=True)
        server, ids = serve_demo(Path(folder))
        base_url = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for shot in shots(ids):
                    if any(name in shot.name for name in only.split(",")):
                        path = take(browser, base_url, shot)
                        shrink(path)
                        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB", flush=True)
                browser.close()
            if only in "plan-document-last-page":
                for path in document_pages(server.app):
                    shrink(path)
                    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB", flush=True)
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
