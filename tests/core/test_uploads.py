"""Every way a file comes in: too large is answered 413, a renamed file is known by its content, and a client's
file name never reaches the disk."""

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from accounts.services import create_api_token
from core.uploads import safe_filename
from solicitation.models import ProposalAttachment
from tests.factories import make_open_round, make_proposal, make_published_plan, make_unit, make_user

MB = 1024 * 1024
PDF = "%PDF-1.4\n会议纪要\n%%EOF\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def small_limits(app, monkeypatch, tmp_path):
    """Files of 1 MB at most, requests of 3 MB, and a fresh upload folder to look into."""
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", MB)
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", MB)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 3 * MB)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def attachment(client):
    staff = make_user(role="unit_staff")
    client.login(staff)
    return f"/proposals/{make_proposal(author=staff).id}/attachments", {}


def field_visit(client):
    office = make_user(role="office")
    client.login(office)
    proposal = make_proposal(submit=True)
    fields = {"visited_on": "2026-01-10", "place": "平湖街道", "findings": "已试运行"}
    return f"/proposals/{proposal.id}/field-visits", fields


def progress_report(client):
    unit = make_unit()
    plan = make_published_plan(office=make_user(role="office"), lead_unit=unit)
    client.login(make_user(role="unit_staff", unit=unit))
    fields = {"percent": "30", "status": "on_track", "achievements": "完成方案制定"}
    return f"/key-projects/{plan.projects[0].id}/progress/1", fields


def suggestion_import(client):
    client.login(make_user(role="office"))
    return f"/rounds/{make_open_round().id}/suggestions/import", {}


def assignment_import(client):
    client.login(make_user(role="office"))
    return f"/rounds/{make_open_round().id}/assignments/import", {}


def progress_import(client):
    office = make_user(role="office")
    plan = make_published_plan(office=office, lead_unit=make_unit())
    client.login(office)
    return f"/plans/{plan.id}/progress/import", {}


def send(client, url, fields, data, name):
    """POST the form with one file, encoded in memory: the test client would spool a large body to a temporary
    file that it leaves open when the server refuses to read it."""
    values = {**fields, "csrf_token": client.csrf_token(), "file": FileStorage(io.BytesIO(data), name)}
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


UPLOADS = [attachment, field_visit, progress_report, suggestion_import, assignment_import, progress_import]


@pytest.mark.parametrize("upload", UPLOADS)
def test_a_file_over_its_limit_is_answered_413_on_the_form_with_what_was_typed(client, small_limits, upload):
    url, fields = upload(client)
    response = send(client, url, fields, PDF + bytes(MB), "纪要.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "文件超过 1 MB。" in page
    assert all(value in page for value in fields.values() if not value.isdigit())
    assert not small_limits.exists() or not any(small_limits.rglob("*.*"))


@pytest.mark.parametrize("upload", UPLOADS)
def test_a_request_over_what_the_server_takes_is_answered_413_with_the_limits(client, small_limits, upload):
    url, fields = upload(client)
    response = send(client, url, fields, PDF + bytes(4 * MB), "纪要.pdf")
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "上传文件过大" in page
    assert "每个文件不超过 1 MB，一次上传的文件合计不超过 3 MB，导入的表格不超过 1 MB" in page


@pytest.mark.parametrize("upload", [attachment, field_visit, progress_report])
@pytest.mark.parametrize(
    ("data", "name"),
    [(EXE, "方案.pdf"), (HTML, "方案.pdf"), (HTML, "方案.xlsx"), (PDF, "方案.exe")],
    ids=["exe-as-pdf", "html-as-pdf", "html-as-xlsx", "pdf-as-exe"],
)
def test_a_renamed_file_is_known_by_its_content_and_refused(client, small_limits, upload, data, name):
    url, fields = upload(client)
    response = send(client, url, fields, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "只能上传 PDF、Word、Excel 或图片" in page or "文件内容与文件名" in page
    assert not small_limits.exists() or not any(small_limits.rglob("*"))


@pytest.mark.parametrize("upload", [suggestion_import, assignment_import, progress_import])
@pytest.mark.parametrize(
    ("data", "name"),
    [(EXE, "导入.xlsx"), (HTML, "导入.xlsx"), (PDF, "导入.xlsx"), (EXE, "导入.csv")],
    ids=["exe-as-xlsx", "html-as-xlsx", "pdf-as-xlsx", "exe-as-csv"],
)
def test_a_renamed_file_is_not_taken_for_a_spreadsheet(client, small_limits, upload, data, name):
    url, fields = upload(client)
    response = send(client, url, fields, data, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "该文件不是 Excel（.xlsx）或 CSV 表格" in page or "CSV 文件的文本编码" in page


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("C:\\Windows\\system32\\方案.pdf", "方案.pdf"),
        ("/etc/.hidden.pdf", "hidden.pdf"),
        ("纪要\r\nSet-Cookie: a=1.pdf", "纪要Set-Cookie: a=1.pdf"),
        ("..", "file"),
    ],
)
def test_only_the_last_part_of_a_client_file_name_is_kept_without_control_characters(name, kept):
    assert safe_filename(name) == kept


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\..\\x.pdf", "/tmp/会议 纪要; 第1次.pdf"])
def test_a_client_file_name_never_reaches_the_disk_and_comes_back_harmless(client, small_limits, name):
    url, _fields = attachment(client)
    assert send(client, url, {}, PDF, name).status_code == 302
    [record] = ProposalAttachment.query.all()
    assert "/" not in record.filename and "\\" not in record.filename and not record.filename.startswith(".")
    [path] = [path for path in small_limits.rglob("*") if path.is_file()]
    assert path == small_limits / record.storage_key[:2] / record.storage_key  # a random key, in the folder
    assert not (small_limits.parent / "etc").exists()
    with client.get(f"{url}/{record.id}") as response:
        assert response.data == PDF
        disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".." not in disposition and "/" not in disposition


def test_the_api_answers_an_import_over_its_limit_413_in_json(client, small_limits):
    token = create_api_token(actor=None, user=make_user(role="office"), name="12345-hotline")
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(bytes(2 * MB)), "热线.xlsx")})
    response = client.post(
        f"/api/v1/rounds/{make_open_round().id}/suggestions/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413 and response.json["error"] == "too_large"
