"""An organization applies to the platform at phone size (390×844): the contact phone's code from the dev outbox, the
certificate checked by its bytes (a text file is refused beside its field); the bureau's admin returns it with a reason,
the applicant reads the reason on the status page reached by the link shown once, applies again; the admin approves, the
new organization's admin logs in, sees their organization and imports its 500-row roster (refused whole for one bad row,
then fixed)."""

import os

from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import javascript_errors, screenshot
from test_registration import emulate_phone, last_code
from test_roster_import import BAD_LINE, finished, roster
from test_web_pages import login

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
PHONE = "13912340567"
NAME = "拱墅区运河志愿服务队"


def credit_code(first17):
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total % 31) % 31]


CODE = credit_code("52330105MJ7R4TQW1")


def fill_and_send_code(driver, url):
    driver.get(url + "/organizations/apply")
    driver.find_element(By.ID, "apply-name").send_keys(NAME)
    driver.find_element(By.ID, "apply-credit-code").send_keys(CODE)
    driver.find_element(By.ID, "apply-region").send_keys("330105")
    Select(driver.find_element(By.ID, "apply-type")).select_by_value("social_service")
    driver.find_element(By.ID, "apply-contact").send_keys("钱晓东")
    driver.find_element(By.ID, "apply-phone").send_keys(PHONE)
    driver.find_element(By.ID, "apply-send-code").click()
    WebDriverWait(driver, 30, ignored_exceptions=[WebDriverException]).until(lambda d: d.find_elements(By.ID, "apply-notice"))
    assert "139****0567" in driver.find_element(By.ID, "apply-notice").text
    # What was typed is kept.
    assert driver.find_element(By.ID, "apply-name").get_attribute("value") == NAME
    assert driver.find_element(By.ID, "apply-credit-code").get_attribute("value") == CODE
    return last_code(driver, url, PHONE)


def submit(driver, code, certificate, password="yunhe-admin-2026"):
    driver.find_element(By.ID, "apply-code").clear()
    driver.find_element(By.ID, "apply-code").send_keys(code)
    driver.find_element(By.ID, "apply-certificate").send_keys(certificate)
    username = driver.find_element(By.ID, "apply-username")
    username.clear()
    username.send_keys("yunhe-admin")
    driver.find_element(By.ID, "apply-password").send_keys(password)
    driver.execute_script("window.beforeSubmit = true")
    driver.find_element(By.ID, "apply-submit").click()
    new_page(driver)


def new_page(driver):
    """Waits until the page the last click asked for has replaced the one marked with window.beforeSubmit."""
    WebDriverWait(driver, 30, ignored_exceptions=[WebDriverException]).until(
        lambda d: d.execute_script("return document.readyState === 'complete' && window.beforeSubmit === undefined"))


def test_an_organization_applies_is_returned_applies_again_and_is_approved(server, phone, laptop, tmp_path):
    url = server["url"]
    emulate_phone(phone)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    text = tmp_path / "certificate.pdf.txt"
    text.write_text("not a certificate at all")

    # From the front page to the form.
    phone.get(url + "/")
    phone.find_element(By.ID, "apply-link").click()
    assert phone.current_url.endswith("/organizations/apply")
    code = fill_and_send_code(phone, url)
    screenshot(phone, "organization-apply-phone")

    # A text file is refused beside the certificate field, and the code is not spent on it.
    submit(phone, code, str(text))
    errors = [e.text for e in phone.find_elements(By.CSS_SELECTOR, ".error")]
    assert phone.find_elements(By.ID, "error-certificate"), errors
    error = phone.find_element(By.ID, "error-certificate").text
    assert "PDF" in error and "JPEG" in error
    assert phone.find_element(By.ID, "apply-name").get_attribute("value") == NAME
    screenshot(phone, "organization-apply-bad-certificate-phone")
    submit(phone, code, str(pdf))
    WebDriverWait(phone, 30, ignored_exceptions=[WebDriverException]).until(lambda d: d.find_elements(By.ID, "status-link"))
    first_status = phone.find_element(By.ID, "status-link").get_attribute("href")
    assert "token=" in first_status
    screenshot(phone, "organization-applied-phone")

    # The bureau's admin sees it in the queue beside the sample application, and returns it with a reason.
    login(laptop, server, "admin", "admin-demo-2026")
    laptop.get(url + "/admin")
    laptop.find_element(By.ID, "applications-link").click()
    queue = laptop.find_element(By.ID, "applications").text
    assert NAME in queue and "西溪社区银龄志愿服务队" in queue
    screenshot(laptop, "admin-applications")
    laptop.find_element(By.LINK_TEXT, NAME).click()
    assert laptop.find_element(By.ID, "certificate-link").get_attribute("href").endswith("/certificate")
    assert "13912340567" in laptop.page_source  # the bureau sees the phone in full
    laptop.find_element(By.ID, "return-reason").send_keys("登记证书不清晰，请上传清晰的扫描件")
    laptop.find_element(By.ID, "return").click()
    WebDriverWait(laptop, 30, ignored_exceptions=[WebDriverException]).until(
        lambda d: "已退回" in d.find_element(By.ID, "application-state").text)

    # The applicant reads the reason; the phone is masked there; applies again.
    phone.get(first_status)
    assert "已退回" in phone.find_element(By.ID, "application-state").text
    assert "登记证书不清晰" in phone.find_element(By.ID, "application-reason").text
    assert "13912340567" not in phone.page_source and "139****0567" in phone.page_source
    screenshot(phone, "organization-application-returned-phone")
    phone.find_element(By.ID, "apply-again").click()
    code = fill_and_send_code(phone, url)
    submit(phone, code, str(pdf))
    WebDriverWait(phone, 30, ignored_exceptions=[WebDriverException]).until(lambda d: d.find_elements(By.ID, "status-link"))
    second_status = phone.find_element(By.ID, "status-link").get_attribute("href")
    assert second_status != first_status

    # The admin approves the new one.
    laptop.get(url + "/admin/applications")
    laptop.find_element(By.LINK_TEXT, NAME).click()
    laptop.find_element(By.ID, "approve").click()
    WebDriverWait(laptop, 30, ignored_exceptions=[WebDriverException]).until(
        lambda d: "已批准" in d.find_element(By.ID, "application-state").text)
    laptop.get(url + "/admin?q=" + CODE)
    assert NAME in laptop.find_element(By.ID, "organizations").text

    # The applicant sees it approved; the new admin logs in and sees their organization.
    phone.get(second_status)
    assert "已批准" in phone.find_element(By.ID, "application-state").text
    screenshot(phone, "organization-application-approved-phone")
    phone.delete_all_cookies()
    login(phone, server, "yunhe-admin", "yunhe-admin-2026")
    phone.get(url + "/org")
    assert NAME in phone.page_source
    screenshot(phone, "organization-approved-admin-phone")

    # The new organization brings its roster: 500 rows with one bad row are refused whole with the row named; fixed,
    # all 500 are registered as its volunteers.
    phone.get(url + "/org/volunteers/import")
    phone.find_element(By.ID, "file").send_keys(roster(tmp_path, "运河花名册-有误.csv", bad=True, birth="19800808", prefix="运河"))
    phone.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    kind, text = finished(phone)
    assert kind == "import-errors", text
    rows = phone.find_elements(By.CSS_SELECTOR, "#import-errors tbody tr")
    assert len(rows) == 1 and rows[0].find_elements(By.TAG_NAME, "td")[0].text == str(BAD_LINE), text
    phone.get(url + "/org/volunteers/import")
    phone.find_element(By.ID, "file").send_keys(roster(tmp_path, "运河花名册.csv", bad=False, birth="19800808", prefix="运河"))
    phone.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    kind, text = finished(phone)
    assert kind == "import-result", text
    assert phone.find_element(By.ID, "roster-registered").text == "500"
    screenshot(phone, "organization-approved-roster-imported-phone")
    phone.get(url + "/org/volunteers?q=运河499")
    assert "运河499" in phone.page_source
    assert javascript_errors(phone) == []


def test_the_application_page_in_english(server, phone):
    phone.get(server["url"] + "/lang/en?next=/organizations/apply")
    phone.get(server["url"] + "/organizations/apply")
    assert "Apply as an organization" in phone.page_source
    assert "Registration certificate" in phone.page_source
    screenshot(phone, "organization-apply-phone-en")
