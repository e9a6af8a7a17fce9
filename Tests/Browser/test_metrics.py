"""/metrics of a live `vledger serve`, read with prometheus_client's parser (not written here)."""
import json
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def call(url, method="GET", body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def samples(text):
    """name -> list of (labels, value) of every sample."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def total(found, name, **labels):
    return sum(value for sample_labels, value in found.get(name, [])
               if all(sample_labels.get(key) == wanted for key, wanted in labels.items()))


def test_metrics_count_requests_logins_verifications_imports_and_transactions(server):
    url = server["url"]
    _, _, before_text = call(url + "/metrics")
    before = samples(before_text.decode())

    # Two wrong passwords, one good login.
    for _ in range(2):
        status, _, _ = call(url + "/api/v1/auth/login", "POST", json.dumps({"username": "org1-admin", "password": "wrong"}).encode(),
                            {"Content-Type": "application/json"})
        assert status == 401
    status, _, body = call(url + "/api/v1/auth/login", "POST", json.dumps({"username": "org1-admin", "password": "demo-2026"}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200
    token = json.loads(body)["token"]
    organization = json.loads(call(url + "/api/v1/me", headers={"Authorization": "Bearer " + token})[2])["organizationId"]
    # A forged token and a file with an unknown column.
    assert call(url + "/v/hello.world", headers={"Accept": "application/json"})[0] == 200
    status, _, _ = call(url + f"/api/v1/organizations/{organization}/imports", "POST", "名字,活动\n张三,1\n".encode(),
                        {"Authorization": "Bearer " + token, "Content-Type": "text/csv"})
    assert status == 422

    status, headers, text = call(url + "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    after = samples(text.decode())

    assert total(after, "vledger_login_failures_total") - total(before, "vledger_login_failures_total") == 2
    assert total(after, "vledger_verifications_total", outcome="invalid", reason="malformed") \
        - total(before, "vledger_verifications_total", outcome="invalid", reason="malformed") == 1
    assert total(after, "vledger_imports_total", outcome="refused") - total(before, "vledger_imports_total", outcome="refused") == 1
    # Requests by route template and status, with a latency histogram.
    assert total(after, "hb_requests_total", http_route="/api/v1/auth/login", http_response_status_code="401") >= 2
    assert total(after, "http_server_request_duration_count", http_route="/api/v1/auth/login") >= 3
    assert any(labels.get("le") == "+Inf" for labels, _ in after.get("http_server_request_duration_bucket", []))
    # Store transactions, timed.
    assert total(after, "vledger_db_transaction_seconds_count", store="sqlite", kind="write") >= 1
    assert total(after, "vledger_db_transaction_seconds_count", store="sqlite", kind="read") > \
        total(before, "vledger_db_transaction_seconds_count", store="sqlite", kind="read")
    # No label carries a token, a name or a document number.
    assert "hello.world" not in text.decode() and "org1-admin" not in text.decode()


def test_metrics_are_not_served_through_a_proxy_without_a_token(server):
    status, _, _ = call(server["url"] + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert status == 404
