"""A resident finds an activity without a login and signs up through the login; a volunteer asks to join the
organization and its staff accept (issue 28), at phone size."""
import re
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors, screenshot
from test_web_pages import login, no_serious_accessibility_violations, session_opener, status_of

ACTIVITY = "周末社区敬老院陪伴"  # samples/recruitments.csv: the first organization's, open to everyone
ORGANIZATION = "杭州市上城区阳光志愿者协会"


def test_a_stranger_finds_an_activity_signs_up_through_the_login_and_asks_to_join(server, phone, laptop):
    url = server["url"]
    # Headless Chromium keeps windows at least 500 px wide: emulate the phone's 390×844 viewport exactly.
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    # The front page: a search box and a register link beside the login.
    phone.get(url + "/")
    assert phone.find_element(By.ID, "register-link").get_attribute("href").endswith("/register")
    screenshot(phone, "front-phone")
    box = phone.find_element(By.ID, "activity-q")
    box.send_keys("敬老")
    box.submit()
    WebDriverWait(phone, 30).until(EC.url_contains("/activities?"))
    results = phone.find_elements(By.CSS_SELECTOR, "#public-activities li[data-activity]")
    assert [r for r in results if ACTIVITY in r.text], [r.text for r in results]
    # Filtered by another category it is gone; by its own and the district it stays.
    phone.find_element(By.CSS_SELECTOR, "#category option[value='environmental_protection']").click()
    phone.find_element(By.CSS_SELECTOR, "#activity-search button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.url_contains("category=environmental_protection"))
    assert ACTIVITY not in phone.find_element(By.ID, "public-activities").text
    phone.get(url + "/activities?q=%E6%95%AC%E8%80%81&category=elderly_children&region=3301")
    item = [r for r in phone.find_elements(By.CSS_SELECTOR, "#public-activities li[data-activity]") if ACTIVITY in r.text][0]
    assert re.match(r"^\d+ / 12$", item.find_element(By.CLASS_NAME, "places").text)
    # Fits the phone: nothing wider than the screen.
    assert phone.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]
    screenshot(phone, "public-activities")
    no_serious_accessibility_violations(phone)
    # A bad date is refused beside the form, not a crash.
    phone.get(url + "/activities?from=2026-13-40")
    assert "YYYY-MM-DD" in phone.find_element(By.ID, "search-error").text

    # The activity's public page: organization, place, places left; no person's data (the leader's name is not shown).
    phone.get(url + "/activities?q=%E6%95%AC%E8%80%81")
    phone.find_element(By.LINK_TEXT, ACTIVITY).click()
    WebDriverWait(phone, 30).until(EC.url_matches(r"/activities/\d+$"))
    activity_url = phone.current_url
    activity_path = urllib.parse.urlparse(activity_url).path
    assert phone.find_element(By.ID, "activity-organization").text == ORGANIZATION
    assert "周海明" not in phone.find_element(By.ID, "public-activity").text
    register = phone.find_element(By.ID, "sign-up-register").get_attribute("href")
    assert register.endswith("/register?next=" + urllib.parse.quote(activity_path, safe=""))
    screenshot(phone, "public-activity")
    no_serious_accessibility_violations(phone)

    # 报名 leads through the login and back to the activity, where the volunteer signs up.
    phone.find_element(By.ID, "sign-up-login").click()
    WebDriverWait(phone, 30).until(EC.url_contains("/login?next="))
    phone.find_element(By.ID, "username").send_keys("volunteer2")
    phone.find_element(By.ID, "password").send_keys("demo-2026")
    phone.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(lambda d: d.current_url == activity_url)
    phone.find_element(By.ID, "sign-up-button").click()
    state = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "my-sign-up-state"))).text
    assert state == "待确认", state
    screenshot(phone, "public-activity-signed-up")

    # volunteer2 is not a member of the activity's organization: they ask to join, with a note.
    phone.find_element(By.ID, "note").send_keys("住在附近，周末有空")
    phone.find_element(By.ID, "ask-to-join").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "join-pending")))
    assert phone.find_elements(By.ID, "ask-to-join") == []

    # The organization's staff see it among the sample requests and accept it; another organization's staff cannot.
    login(laptop, server, "org1-staff")
    laptop.get(url + "/org/join-requests")
    row = [r for r in laptop.find_elements(By.CSS_SELECTOR, "#join-requests li[data-join-request]") if "廖国强" in r.text][0]
    assert "住在附近，周末有空" in row.text
    assert len(laptop.find_elements(By.CSS_SELECTOR, "#join-requests li[data-join-request]")) >= 4  # three from the samples
    request_id = row.get_attribute("data-join-request")
    screenshot(laptop, "staff-join-requests")
    no_serious_accessibility_violations(laptop)
    # Declining without a reason is refused and changes nothing.
    row.find_element(By.CSS_SELECTOR, "button.decline").click()
    assert "原因" in WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "join-request-error"))).text
    laptop.find_element(By.CSS_SELECTOR, f"li[data-join-request='{request_id}'] button.accept").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("#decided-"))
    assert laptop.find_elements(By.CSS_SELECTOR, f"li[data-join-request='{request_id}']") == []
    laptop.delete_all_cookies()
    login(laptop, server, "org2-staff")
    status, _ = status_of(session_opener(laptop), url + "/org/join-requests")
    assert status == 200
    laptop.get(url + "/org/join-requests")
    assert "廖国强" not in laptop.find_element(By.ID, "join-requests").text

    # The volunteer is a member now: on the activity page and on their organizations page, with a leave button.
    phone.get(activity_url)
    assert phone.find_element(By.ID, "join-member")
    phone.get(url + "/me/organizations")
    memberships = phone.find_element(By.ID, "memberships").text
    assert ORGANIZATION in memberships, memberships
    assert "已通过" in phone.find_element(By.ID, "join-requests").text
    screenshot(phone, "my-organizations")
    no_serious_accessibility_violations(phone)
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []
