"""Schemathesis (from PyPI) against /openapi.json of a live server, as an organization admin and as a volunteer:
any 5xx, or any response whose status, content type, headers or body the document does not allow, fails.
Bounded: 70 seconds a role."""
import json
import os
import subprocess
import sys
import urllib.request

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
SECONDS_PER_ROLE = int(os.environ.get("VLEDGER_SCHEMATHESIS_SECONDS", "55"))


def token(url, username, password="demo-2026"):
    request = urllib.request.Request(url + "/api/v1/auth/login", method="POST", headers={"Content-Type": "application/json"},
                                     data=json.dumps({"username": username, "password": password}).encode())
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["token"]


def run_schemathesis(server, username, tmp_path):
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run(
        [schemathesis, "run", server["url"] + "/openapi.json", "-H", "Authorization: Bearer " + token(server["url"], username),
         "--checks", CHECKS, "--exclude-operation-id", "logout", "--max-time", str(SECONDS_PER_ROLE),
         "--phases", "examples,coverage,fuzzing", "--workers", "2", "--seed", "20261202",
         # A debug build on a busy 2-core machine can take seconds for a PDF: a slow answer is not a wrong one.
         "--request-timeout", "60"],
        cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS_PER_ROLE + 120)
    report = result.stdout + result.stderr
    # The failures and errors come before the (long) warnings; show them first.
    details = report[:report.find("WARNINGS")] if "WARNINGS" in report else report
    assert result.returncode == 0, f"schemathesis as {username} found failures:\n{details[-8000:]}\n...\n{report[-2500:]}"
    assert " passed" in report and "generated" in report, report[-2000:]
    return report


def test_the_api_matches_its_document_as_an_organization_admin(own_server, tmp_path):
    run_schemathesis(own_server, "org1-admin", tmp_path)


def test_the_api_matches_its_document_as_a_volunteer(own_server, tmp_path):
    run_schemathesis(own_server, "volunteer1", tmp_path)
