"""Year-end batch issuance from the organization's certificate page: the batch runs as a job whose page follows it,
then offers one ZIP with a PDF per member; the same batch again reuses every certificate."""
import io
import json
import re
import urllib.request
import zipfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import javascript_errors, screenshot
from test_certificate_pdf_language import pdf_text
from test_web_pages import login, no_serious_accessibility_violations, session_opener, status_of, wait_until

FIRST_QUARTER = ("2025-01-01", "2025-03-31")


def start_batch(driver, server, shot=None, language=None):
    """Fills the batch form on /org/certificates, submits it, and waits on the job's page until it has finished."""
    driver.get(server["url"] + "/org/certificates")
    form = driver.find_element(By.ID, "batch-form")
    assert form.find_element(By.NAME, "_csrf").get_attribute("value"), "the form carries a CSRF token"
    # Date inputs take the date as typed in the browser's locale; set the value directly instead.
    for name, value in zip(("batchFrom", "batchTo"), FIRST_QUARTER):
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, name), value)
    if language:
        Select(driver.find_element(By.ID, "batchLang")).select_by_value(language)
    if shot:
        driver.execute_script("arguments[0].scrollIntoView()", form)
        screenshot(driver, shot)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_until(driver, lambda d: re.search(r"/org/certificates/batches/\d+$", d.current_url))
    job_url = driver.current_url
    # The page reloads itself every two seconds while the batch runs.
    wait_until(driver, lambda d: d.find_elements(By.ID, "batch-finished") or d.find_elements(By.ID, "batch-error"), timeout=300)
    assert not driver.find_elements(By.ID, "batch-error"), driver.find_element(By.ID, "batch-error").text
    counts = {name: int(driver.find_element(By.ID, "batch-" + name).text) for name in ("issued", "reused", "skipped")}
    return job_url, counts


def pdfs_in(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name: archive.read(name) for name in archive.namelist()}


def api_login(server, username):
    request = urllib.request.Request(server["url"] + "/api/v1/auth/login", method="POST",
                                     data=json.dumps({"username": username, "password": "demo-2026"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def test_an_admin_issues_certificates_for_all_members_and_downloads_them_as_one_zip(server, laptop):
    login(laptop, server, "org1-admin")
    job_url, counts = start_batch(laptop, server, shot="certificate-batch-form")
    assert "2025-01-01" in laptop.find_element(By.ID, "batch-period").text
    certificates = counts["issued"] + counts["reused"]
    assert certificates >= 50, counts
    assert counts["skipped"] >= 1, "members without records in the quarter are skipped"
    screenshot(laptop, "certificate-batch")
    no_serious_accessibility_violations(laptop)
    assert javascript_errors(laptop) == []

    link = laptop.find_element(By.ID, "batch-zip")
    assert link.text.strip() in ("下载 ZIP", "Download ZIP")
    opener = session_opener(laptop)
    with opener.open(link.get_attribute("href"), timeout=60) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/zip"
        first = pdfs_in(response.read())
    assert len(first) == certificates
    for name, data in first.items():
        assert re.fullmatch(r"V[0-9A-Z]+-[0-9A-Z]{4}(-[0-9A-Z]{4}){3}\.pdf", name), name
        assert data.startswith(b"%PDF-"), name
    # Downloaded once: the server removed the file, and the job page says so instead of offering it again.
    laptop.get(job_url)
    assert laptop.find_elements(By.ID, "batch-zip") == []
    assert "ZIP" in laptop.find_element(By.ID, "batch-downloaded").text
    screenshot(laptop, "certificate-batch-downloaded")

    # Another organization's admin does not see the batch, on the pages or in the API (which share it).
    job_id = job_url.rsplit("/", 1)[1]
    token = api_login(server, "org2-admin")
    request = urllib.request.Request(server["url"] + f"/api/v1/certificate-batches/{job_id}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert status_of(urllib.request.build_opener(), request)[0] == 404
    own = urllib.request.Request(server["url"] + f"/api/v1/certificate-batches/{job_id}",
                                 headers={"Authorization": f"Bearer {api_login(server, 'org1-staff')}"})
    status, body = status_of(urllib.request.build_opener(), own)
    assert status == 200 and json.loads(body)["state"] == "finished"

    # The same quarter again: every member's records are unchanged, so every certificate is reused.
    _, again = start_batch(laptop, server)
    assert again == {"issued": 0, "reused": certificates, "skipped": counts["skipped"]}, again
    status, data = status_of(opener, laptop.find_element(By.ID, "batch-zip").get_attribute("href"))
    assert status == 200 and set(pdfs_in(data)) == set(first), "the same serials, so the same files"
    assert "志愿服务记录证明" in pdf_text(next(iter(first.values())))

    # In English for the volunteers applying abroad: the same certificates, rendered in English.
    _, english = start_batch(laptop, server, language="en")
    assert english == again, english
    status, data = status_of(opener, laptop.find_element(By.ID, "batch-zip").get_attribute("href"))
    translated = pdfs_in(data)
    assert status == 200 and set(translated) == set(first)
    text = pdf_text(next(iter(translated.values())))
    assert "Certificate of Volunteer Service Record" in text and "志愿服务记录证明" not in text
