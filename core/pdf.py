"""Word documents turned into PDF by LibreOffice headless: the one place the platform runs `soffice`.

A conversion takes seconds, so only the background worker asks for one (each official document once, when it is
published or issued); readers download the stored file.
"""

import os
import subprocess
import tempfile
from pathlib import Path

from flask import current_app

TIMEOUT_SECONDS = 120


def docx_to_pdf(data: bytes) -> bytes:
    """The PDF of a .docx, its missing official fonts replaced as PDF_FONTCONFIG_FILE maps them.

    Each conversion has a LibreOffice profile of its own, so two workers converting at once do not share one.
    """
    with tempfile.TemporaryDirectory(prefix="docx-to-pdf-") as folder:
        work = Path(folder)
        (work / "document.docx").write_bytes(data)
        # LibreOffice needs none of the server's settings, its secrets among them
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(work),
            "FONTCONFIG_FILE": current_app.config["PDF_FONTCONFIG_FILE"],
            "LANG": "C.UTF-8",
        }
        subprocess.run(
            [
                current_app.config["SOFFICE"],
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(work),
                str(work / "document.docx"),
            ],
            env=environment,
            cwd=work,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=True,
        )
        result = work / "document.pdf"
        if not result.exists():
            raise RuntimeError("LibreOffice made no PDF")
        return result.read_bytes()
