"""The preview server answers only its own page's requests: its host names, no other site, its token.

A page of another site open in the researcher's browser must not read the
internal report: not under its own host name (DNS rebinding), not with a
cross-origin request, not without the token printed at start-up. These tests
run the server's handler on a free port without building a report.
"""

from __future__ import annotations

import http.client
import json
import threading

import pytest

from via_reports.data.validation import Violation
from via_reports.exceptions import ContractError
from via_reports.preview import Preview, serve, violation_line
from via_reports.report.freshness import BuildOptions

SECRET = "<p>internal report: 17 of 40 found work</p>"


@pytest.fixture
def server(tmp_path):
    out = tmp_path / "preview"
    out.mkdir()
    (out / "report.html").write_text(SECRET, encoding="utf-8")
    state = Preview(BuildOptions(out=out), say=lambda message: None)
    state.version = 1
    httpd, access = serve(state, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], access, state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _request(port: int, path: str, headers: dict[str, str], method: str = "GET") -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8"), dict(response.getheaders())
    finally:
        connection.close()


def test_the_printed_url_carries_a_random_token_and_opens_the_report(server):
    port, access, _ = server
    assert access.url().startswith(f"http://127.0.0.1:{port}/?token=")
    assert len(access.token) >= 32
    other = serve(Preview(BuildOptions(), say=print), 0)
    try:
        assert other[1].token != access.token  # random per server, not a constant
    finally:
        other[0].server_close()
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LOCALHOST:{port}"):
        status, body, _ = _request(port, f"/report.html?token={access.token}", {"Host": host})
        assert (status, body) == (200, SECRET), host


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1", "localhost:1",
                                  "127.0.0.1.evil.example:{port}", "", "10.0.0.1:{port}"])
def test_a_forged_or_missing_host_is_refused_even_with_the_token(server, host):
    port, access, _ = server
    headers = {"Host": host.format(port=port)} if host else {}
    for path in ("/report.html", "/state", "/"):
        status, body, _ = _request(port, f"{path}?token={access.token}", headers)
        assert status == 403, (host, path)
        assert SECRET not in body and "only to 127.0.0.1" in body


@pytest.mark.parametrize("token", [None, "", "wrong", "{token}x", "{token_start}"])
def test_a_missing_or_wrong_token_is_refused(server, token):
    port, access, _ = server
    query = "" if token is None else "?token=" + token.format(token=access.token, token_start=access.token[:-1])
    for path in ("/report.html", "/state", "/"):
        status, body, _ = _request(port, path + query, {"Host": f"127.0.0.1:{port}"})
        assert status == 403, (token, path)
        assert SECRET not in body and "token" in body


@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Origin": "http://127.0.0.1:1"}, {"Origin": "https://localhost:{port}"},
                                     {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}])
def test_a_request_from_another_site_is_refused_even_with_the_token(server, headers):
    port, access, _ = server
    headers = {name: value.format(port=port) for name, value in headers.items()}
    status, body, _ = _request(port, f"/report.html?token={access.token}", {"Host": f"127.0.0.1:{port}", **headers})
    assert status == 403 and SECRET not in body and "another site" in body


def test_the_page_sets_the_token_as_a_cookie_that_its_own_requests_carry(server):
    port, access, _ = server
    host = {"Host": f"localhost:{port}"}
    status, page, headers = _request(port, f"/?token={access.token}", host)
    assert status == 200 and 'id="report"' in page
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and access.token in cookie
    name_value = cookie.split(";", 1)[0]
    same_origin = {**host, "Cookie": name_value, "Sec-Fetch-Site": "same-origin", "Origin": f"http://localhost:{port}"}
    status, body, _ = _request(port, "/state", same_origin)
    assert status == 200 and json.loads(body)["version"] == 1
    assert _request(port, "/report.html?v=1", same_origin)[:2] == (200, SECRET)
    wrong = {**host, "Cookie": name_value[:-1] + "x"}
    assert _request(port, "/report.html", wrong)[0] == 403


def test_only_get_is_answered(server):
    port, access, _ = server
    for method in ("POST", "PUT", "DELETE", "HEAD"):
        status, body, _ = _request(port, f"/report.html?token={access.token}", {"Host": f"127.0.0.1:{port}",
                                                                                 "Content-Length": "0"}, method)
        assert status == 405 and SECRET not in body


def test_the_error_box_leaves_out_a_row_and_column_it_does_not_know():
    whole_table = Violation("responses", "/data/responses.csv", None, None, None, "no_rows", "the table has no rows")
    study = Violation("study", "/data/study.yaml", None, "waves", None, "study", "waves: at least one wave")
    header = Violation("barriers", "/data/barriers.csv", 1, "colour", None, "unknown_column", "unknown column")
    cell = Violation("participants", "/data/participants.csv", 7, "age", "130", "max", "age above 110")
    assert violation_line(whole_table) == "responses, responses.csv: the table has no rows"
    assert violation_line(study) == "study, study.yaml, column waves: waves: at least one wave"
    assert violation_line(header) == "barriers, barriers.csv, row 1, column colour: unknown column"
    assert violation_line(cell) == "participants, participants.csv, row 7, column age: age above 110"
    for line in map(violation_line, (whole_table, study, header, cell)):
        assert "None" not in line


def test_a_failed_build_shows_no_none_in_the_error_box(tmp_path, monkeypatch):
    import via_reports.report.build as build

    said: list[str] = []
    state = Preview(BuildOptions(data_dir=tmp_path, out=tmp_path.parent / "out"), said.append)
    errors = [Violation("participants", str(tmp_path / "participants.csv"), None, None, None, "no_rows", "no rows"),
              Violation("study", str(tmp_path / "study.yaml"), None, None, None, "study", "not a mapping")]

    def fail(options):
        raise ContractError(errors)

    monkeypatch.setattr(build, "build_report", fail)
    state.build()
    assert state.error is not None and "None" not in state.error
    assert "participants, participants.csv: no rows" in state.error
    assert "study, study.yaml: not a mapping" in state.error
    assert "participants.csv: no rows" in said[-1] and "None" not in said[-1]  # the terminal too
