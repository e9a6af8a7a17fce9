"""The "English PDF" links of the web pages next to the (Chinese) PDF link: a volunteer's certificate page and the
staff's list of certificates, in a real browser against `vledger serve` with the samples."""
import re
import subprocess
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors
from test_web_pages import login, no_serious_accessibility_violations, session_opener, status_of


def pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        return subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True).stdout


def test_a_volunteer_downloads_the_english_pdf_next_to_the_chinese_one(server, phone):
    login(phone, server, "volunteer1")
    phone.get(server["url"] + "/me/certificates")
    phone.find_element(By.CSS_SELECTOR, "form[action='/me/certificates'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "certificate-serial")))
    serial = phone.find_element(By.ID, "certificate-serial").text
    chinese_link = phone.find_element(By.ID, "download-pdf")
    english_link = phone.find_element(By.ID, "download-pdf-en")
    assert english_link.is_displayed() and english_link.text == "English PDF"
    assert english_link.get_attribute("hreflang") == "en"
    assert english_link.get_attribute("href") == chinese_link.get_attribute("href") + "?lang=en"

    opener = session_opener(phone)
    status, english = status_of(opener, english_link.get_attribute("href"))
    assert status == 200 and english.startswith(b"%PDF")
    text = pdf_text(english)
    assert "Certificate of Volunteer Service Record" in text
    assert "志愿服务记录证明" not in text.replace(" ", "")
    assert serial in text and "Page 1 of 1" in text
    status, chinese = status_of(opener, chinese_link.get_attribute("href"))
    assert status == 200 and "志愿服务记录证明" in pdf_text(chinese).replace(" ", "")
    no_serious_accessibility_violations(phone)
    assert javascript_errors(phone) == []


def test_staff_find_an_english_pdf_link_on_each_certificate_row(server, laptop):
    login(laptop, server, "org1-admin")
    # Issue one for a member of the organization (the first listed with records in the organization).
    laptop.get(server["url"] + "/org/volunteers")
    numbers = list(dict.fromkeys(re.findall(r"V\d{11}", laptop.page_source)))
    assert numbers
    serial = None
    for volunteer_number in numbers[:10]:
        laptop.get(server["url"] + "/org/certificates")
        laptop.find_element(By.ID, "volunteerNumber").send_keys(volunteer_number)
        laptop.find_element(By.CSS_SELECTOR, "#issue-form button[type=submit]").click()
        WebDriverWait(laptop, 30).until(lambda d: d.find_elements(By.ID, "certificate-notice")
                                        or d.find_elements(By.CSS_SELECTOR, "#issue-form .error"))
        notices = laptop.find_elements(By.ID, "certificate-notice")
        if notices:
            serial = re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", notices[0].text).group(0)
            break
    assert serial, "no member of org1 with records to certify"
    row = [r for r in laptop.find_elements(By.CSS_SELECTOR, "#certificates-table tbody tr") if serial in r.text][0]
    link = row.find_element(By.CSS_SELECTOR, "a[hreflang=en]")
    assert link.text == "English PDF" and link.get_attribute("href").endswith(f"/org/certificates/{serial}/pdf?lang=en")
    status, pdf = status_of(session_opener(laptop), link.get_attribute("href"))
    assert status == 200 and "Certificate of Volunteer Service Record" in pdf_text(pdf)
    # The row's revoke form names its reason field for screen readers too.
    no_serious_accessibility_violations(laptop)
    assert javascript_errors(laptop) == []
