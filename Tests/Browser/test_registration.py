"""A resident registers at phone size (390×844) from an activity's sign-up link, proving the phone with the code from the
dev outbox, lands back on the activity and signs up, staff confirm it, and the new volunteer checks in by the code on the
staff's screen at an activity under way; a resident whose document number an
organization registered takes over that volunteer by the code sent to the phone on file and sees their records; my
profile and my data."""

import csv
import datetime
import os
import re
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, javascript_errors, screenshot
from test_web_pages import CHINA, login, no_serious_accessibility_violations, session_opener, status_of

ACTIVITY = "周末社区敬老院陪伴"  # samples/recruitments.csv: the first organization's, open to everyone


def resident_id(body17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, weights)) % 11]


def last_code(driver, url, phone_number):
    """The newest code sent to `phone_number`, read from /dev/outbox (newest first) in another tab."""
    driver.execute_script("window.open(arguments[0], '_blank')", url + "/dev/outbox")
    driver.switch_to.window(driver.window_handles[-1])
    try:
        for message in driver.find_elements(By.CSS_SELECTOR, "#dev-outbox .dev-outbox-message"):
            if message.find_element(By.CLASS_NAME, "dev-outbox-to").text == phone_number:
                return message.find_element(By.CLASS_NAME, "dev-outbox-code").text
        raise AssertionError("no code for " + phone_number)
    finally:
        driver.close()
        driver.switch_to.window(driver.window_handles[0])


def submit(driver, button_id):
    """Clicks a form's button and waits for the page it answers with."""
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button_id).click()
    WebDriverWait(driver, 30).until(EC.staleness_of(page))


def emulate_phone(driver):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})


def test_a_resident_registers_from_an_activity_signs_up_and_is_confirmed(server, phone, laptop):
    url = server["url"]
    emulate_phone(phone)
    phone.get(url + "/activities?q=%E6%95%AC%E8%80%81")
    phone.find_element(By.LINK_TEXT, ACTIVITY).click()
    WebDriverWait(phone, 30).until(EC.url_matches(r"/activities/\d+$"))
    activity_url = phone.current_url
    activity_id = urllib.parse.urlparse(activity_url).path.rsplit("/", 1)[1]
    phone.find_element(By.ID, "sign-up-register").click()
    WebDriverWait(phone, 30).until(EC.url_contains("/register?next="))

    # Step one: a wrong check character is refused beside the field; then the code is sent.
    number = resident_id("33010219960512263")
    phone.find_element(By.ID, "name").send_keys("柳如烟")
    phone.find_element(By.ID, "documentNumber").send_keys(number[:-1] + ("0" if number[-1] != "0" else "1"))
    phone.find_element(By.ID, "phone").send_keys("13566778899")
    submit(phone, "register-send-code")
    assert phone.find_element(By.ID, "documentNumber-error").text
    box = phone.find_element(By.ID, "documentNumber")
    box.clear()
    box.send_keys(number)
    screenshot(phone, "register-step1")
    no_serious_accessibility_violations(phone)
    submit(phone, "register-send-code")
    assert WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "register-destination"))).text == "135****8899"
    assert phone.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]

    # Step two: the terms must be accepted; a wrong code is refused; then the right one registers and signs in.
    code = last_code(phone, url, "13566778899")
    phone.find_element(By.ID, "code").send_keys("000000" if code != "000000" else "111111")
    phone.find_element(By.ID, "password").send_keys("resident-2026")
    phone.find_element(By.ID, "passwordAgain").send_keys("resident-2026")
    phone.find_element(By.ID, "residenceArea").send_keys("330102")
    phone.find_element(By.CSS_SELECTOR, "input[name=serviceCategories][value=elderly_children]").click()
    phone.find_element(By.ID, "skills").send_keys("陪伴、手工")
    submit(phone, "register-submit")
    assert phone.find_element(By.ID, "acceptTerms-error").text
    phone.find_element(By.ID, "code").send_keys("000000" if code != "000000" else "111111")
    phone.find_element(By.ID, "password").send_keys("resident-2026")
    phone.find_element(By.ID, "passwordAgain").send_keys("resident-2026")
    phone.find_element(By.ID, "acceptTerms").click()
    submit(phone, "register-submit")
    errors = phone.find_elements(By.ID, "code-error")
    assert errors and "验证码" in errors[0].text, phone.find_element(By.TAG_NAME, "main").text[:800]
    phone.find_element(By.ID, "code").send_keys(code)
    phone.find_element(By.ID, "password").send_keys("resident-2026")
    phone.find_element(By.ID, "passwordAgain").send_keys("resident-2026")
    if not phone.find_element(By.ID, "acceptTerms").is_selected():
        phone.find_element(By.ID, "acceptTerms").click()
    screenshot(phone, "register-step2")
    no_serious_accessibility_violations(phone)
    submit(phone, "register-submit")

    # Back on the activity, signed in: sign up.
    WebDriverWait(phone, 30).until(lambda d: d.current_url == activity_url)
    phone.find_element(By.ID, "sign-up-button").click()
    state = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "my-sign-up-state"))).text
    assert state == "待确认", state
    screenshot(phone, "register-signed-up")

    # Staff of the organization confirm the sign-up.
    login(laptop, server, "org1-staff")
    laptop.get(url + f"/org/activities/{activity_id}/sign-ups")
    row = [r for r in laptop.find_elements(By.CSS_SELECTOR, "#roster tbody tr[data-sign-up]") if "柳如烟" in r.text][0]
    row.find_element(By.CSS_SELECTOR, "input[name=decision][value=confirm] ~ button").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("#roster"))
    row = [r for r in laptop.find_elements(By.CSS_SELECTOR, "#roster tbody tr[data-sign-up]") if "柳如烟" in r.text][0]
    assert "已录用" in row.text
    # Staff see the new person's document number masked.
    assert number not in laptop.find_element(By.TAG_NAME, "body").text
    phone.get(activity_url)
    assert phone.find_element(By.ID, "my-sign-up-state").text == "已录用"

    # My profile: unmasked to me, the terms accepted, my data downloads.
    phone.get(url + "/me/profile")
    assert phone.find_element(By.ID, "profile-document").text == number
    assert phone.find_element(By.ID, "profile-phone").text == "13566778899"
    assert phone.find_element(By.ID, "profile-terms").text.startswith("2026-12")
    screenshot(phone, "my-profile")
    no_serious_accessibility_violations(phone)
    opener = session_opener(phone)
    status, body = status_of(opener, url + "/me/data.json")
    assert status == 200 and number.encode() in body and b'"signUps"' in body
    status, body = status_of(opener, url + "/me/data.xlsx")
    assert status == 200 and body[:2] == b"PK"
    # Confirmed, the resident is one of the organization's volunteers: at an activity under way they check themselves in
    # by the code on the staff's screen, from their phone, with its position.
    now = datetime.datetime.now(CHINA)
    laptop.get(url + "/org/activities/new")
    laptop.find_element(By.ID, "title").send_keys("社区敬老院午间陪伴")
    laptop.find_element(By.ID, "place").send_keys("阳光社区敬老院")
    laptop.find_element(By.ID, "leader").send_keys("周海明")
    laptop.find_element(By.ID, "content").send_keys("陪老人午餐")
    for field, moment in (("start", now - datetime.timedelta(minutes=30)), ("end", now + datetime.timedelta(hours=2))):
        laptop.execute_script("arguments[0].value = arguments[1]", laptop.find_element(By.ID, field), moment.strftime("%Y-%m-%dT%H:%M"))
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/activities/new'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/activities/\d+$"))
    live_activity_url = laptop.current_url
    laptop.find_element(By.ID, "attendance-link").click()
    WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "attendance-screen")))
    check_in_link = laptop.find_element(By.CSS_SELECTOR, "#attendance-screen a#attendance-link").get_attribute("href")
    phone.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})
    phone.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 30.2741, "longitude": 120.1551, "accuracy": 12})
    phone.get(check_in_link)
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "self-check-button")))
    WebDriverWait(phone, 15).until(lambda d: "±12 m" in d.find_element(By.ID, "position-status").text)
    phone.find_element(By.ID, "self-check-button").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "check-in-done")))
    screenshot(phone, "register-checked-in")
    laptop.get(live_activity_url)
    assert "柳如烟" in laptop.find_element(By.ID, "check-ins").text

    # The same document again is sent to the login.
    phone.get(url + "/register")
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []


def staff_registered_volunteer():
    """A volunteer an organization registered, with a mobile phone and service records, who has no login."""
    with open(os.path.join(ROOT, "samples", "users.csv"), encoding="utf-8") as f:
        with_login = {row["volunteer_document_number"] for row in csv.DictReader(f)}
    with open(os.path.join(ROOT, "samples", "volunteers.csv"), encoding="utf-8") as f:
        people = {row["document_number"]: row for row in csv.DictReader(f)}
    with open(os.path.join(ROOT, "samples", "records", "51330102MJUX0AEHX3.csv"), encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            person = people.get(row["证件号码"])
            if person and person["document_number"] not in with_login and re.fullmatch(r"1[3-9]\d{9}", person["phone"]):
                return person
    raise AssertionError("no sample volunteer to take over")


def test_a_resident_registered_by_staff_takes_over_by_the_phone_on_file(server, phone):
    url = server["url"]
    emulate_phone(phone)
    person = staff_registered_volunteer()
    masked = person["phone"][:3] + "****" + person["phone"][-4:]
    phone.get(url + "/register")
    # Another name for the document number is refused.
    phone.find_element(By.ID, "name").send_keys("冒名者")
    phone.find_element(By.ID, "documentNumber").send_keys(person["document_number"])
    phone.find_element(By.ID, "phone").send_keys("13900001111")
    submit(phone, "register-send-code")
    assert phone.find_element(By.ID, "name-error").text
    name = phone.find_element(By.ID, "name")
    name.clear()
    name.send_keys(person["name"])
    submit(phone, "register-send-code")
    # The code went to the phone on file, shown masked only.
    assert WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "register-destination"))).text == masked
    assert person["phone"] not in phone.find_element(By.TAG_NAME, "body").text
    assert phone.find_element(By.ID, "register-takeover-help").text
    screenshot(phone, "register-takeover")
    code = last_code(phone, url, person["phone"])
    phone.find_element(By.ID, "code").send_keys(code)
    phone.find_element(By.ID, "username").send_keys("taken-over")
    phone.find_element(By.ID, "password").send_keys("resident-2026")
    phone.find_element(By.ID, "passwordAgain").send_keys("resident-2026")
    phone.find_element(By.ID, "acceptTerms").click()
    submit(phone, "register-submit")
    WebDriverWait(phone, 30).until(EC.url_contains("/me/profile"))
    assert phone.find_element(By.ID, "profile-document").text == person["document_number"]
    # Their records, entered by the organization, are theirs now.
    phone.get(url + "/me")
    body = phone.find_element(By.TAG_NAME, "body").text
    assert re.search(r"\d+\.\d\d", body), body[:400]
    screenshot(phone, "register-takeover-records")
    # Registering the same document again is refused, pointing to the login.
    phone.find_element(By.CSS_SELECTOR, "form[action='/logout'] button").click()
    phone.get(url + "/register")
    phone.find_element(By.ID, "name").send_keys(person["name"])
    phone.find_element(By.ID, "documentNumber").send_keys(person["document_number"])
    phone.find_element(By.ID, "phone").send_keys("13900001111")
    submit(phone, "register-send-code")
    assert phone.find_element(By.ID, "register-login-link").get_attribute("href").endswith("/login")
    assert javascript_errors(phone) == []


def test_the_onboarding_pages_in_english_at_phone_size(server, phone):
    """The same flows read in English: the activity search, an activity, registration's first step (refusals beside
    their fields in English too), and the terms."""
    url = server["url"]
    emulate_phone(phone)
    phone.get(url + "/lang/en?next=/activities")
    phone.get(url + "/activities")
    assert "Volunteer activities" in phone.page_source
    phone.find_element(By.LINK_TEXT, ACTIVITY).click()
    WebDriverWait(phone, 30).until(EC.url_matches(r"/activities/\d+$"))
    assert "No account? Register" in phone.page_source
    phone.find_element(By.ID, "sign-up-register").click()
    WebDriverWait(phone, 30).until(EC.url_contains("/register?next="))
    assert "Register as a volunteer" in phone.page_source and "Send the code" in phone.page_source
    phone.find_element(By.ID, "name").send_keys("Liu Ruyan")
    phone.find_element(By.ID, "documentNumber").send_keys("330102199605122630")
    phone.find_element(By.ID, "phone").send_keys("13566770000")
    submit(phone, "register-send-code")
    error = phone.find_element(By.ID, "documentNumber-error").text
    assert error and not re.search(r"[\u4e00-\u9fff]", error), error
    assert phone.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]
    screenshot(phone, "register-step1-en")
    no_serious_accessibility_violations(phone)
    phone.get(url + "/lang/zh?next=/")
