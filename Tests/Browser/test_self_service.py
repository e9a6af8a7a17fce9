"""Volunteers on their own, in a real browser: signing up for an activity, and staff deciding the roster."""
import datetime
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors, screenshot
from test_web_pages import CHINA, login, no_serious_accessibility_violations, session_opener, status_of


def create_activity(driver, url, title, day, start="09:00", end="12:00"):
    driver.get(url + "/org/activities/new")
    driver.find_element(By.ID, "title").send_keys(title)
    driver.find_element(By.ID, "place").send_keys("阳光社区服务中心")
    driver.find_element(By.ID, "leader").send_keys("周海明")
    driver.find_element(By.ID, "content").send_keys("陪伴社区老人")
    driver.find_element(By.CSS_SELECTOR, "#category option[value='elderly_children']").click()
    for field, time in (("start", start), ("end", end)):
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, field), f"{day}T{time}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/org/activities/new'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(EC.url_matches(r"/org/activities/\d+$"))
    return driver.current_url


def test_a_volunteer_signs_up_and_staff_confirm_from_the_roster(server, laptop, phone):
    url = server["url"]
    login(laptop, server, "org1-admin")
    day = (datetime.datetime.now(CHINA) + datetime.timedelta(days=10)).date()
    activity_url = create_activity(laptop, url, "敬老院陪伴（报名测试）", day)
    activity_id = activity_url.rsplit("/", 1)[1]

    # Open it to every volunteer, one place; a deadline after the activity is refused beside its field.
    laptop.find_element(By.ID, "recruitment-link").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("/sign-ups"))
    laptop.find_element(By.ID, "capacity").send_keys("1")
    laptop.execute_script("arguments[0].value = arguments[1]", laptop.find_element(By.ID, "deadline"), f"{day}T13:00")
    laptop.find_element(By.CSS_SELECTOR, "form[action$='/recruitment'] button[type=submit]").click()
    error = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "deadline-error")))
    assert "不能晚于活动结束时间" in error.text
    assert laptop.find_elements(By.ID, "roster") == []  # nothing was opened
    laptop.find_element(By.CSS_SELECTOR, "#audience option[value='everyone']").click()
    laptop.execute_script("arguments[0].value = arguments[1]", laptop.find_element(By.ID, "deadline"), f"{day}T08:00")
    laptop.find_element(By.CSS_SELECTOR, "form[action$='/recruitment'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "roster")))
    assert "0 / 1" in laptop.find_element(By.ID, "recruitment-counts").text

    # The volunteer finds it by category and date, and signs up.
    login(phone, server, "volunteer1")
    phone.find_element(By.CSS_SELECTOR, "nav a[href='/me/activities']").click()
    phone.get(url + f"/me/activities?category=elderly_children&from={day}&to={day}")
    item = phone.find_element(By.CSS_SELECTOR, f"#open-activities li[data-activity='{activity_id}']")
    assert item.find_element(By.CLASS_NAME, "places").text == "1 / 1"
    screenshot(phone, "volunteer-open-activities")
    no_serious_accessibility_violations(phone)
    item.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.url_contains("#my-sign-ups"))
    mine = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#my-sign-ups .tag"))).text
    assert mine == "待确认", mine
    # Another category does not list it.
    phone.get(url + f"/me/activities?category=emergency_rescue&from={day}&to={day}")
    assert phone.find_elements(By.CSS_SELECTOR, f"#open-activities li[data-activity='{activity_id}']") == []

    # Staff: declining needs a reason; confirming makes it confirmed; the roster exports as CSV.
    laptop.get(url + f"/org/activities/{activity_id}/sign-ups")
    row = laptop.find_element(By.CSS_SELECTOR, "#roster tbody tr[data-sign-up]")
    assert "待确认" in row.text
    screenshot(laptop, "staff-roster")
    no_serious_accessibility_violations(laptop)
    row.find_element(By.CSS_SELECTOR, "input[name=decision][value=confirm] ~ button").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("#roster"))
    assert "已录用" in laptop.find_element(By.CSS_SELECTOR, "#roster tbody tr[data-sign-up]").text
    status, csv = status_of(session_opener(laptop), url + f"/org/activities/{activity_id}/roster.csv")
    text = csv.decode("utf-8-sig")
    assert status == 200 and "已录用" in text.splitlines()[1] and re.search(r"V\d{11}", text), text[:300]

    phone.get(url + "/me/activities")
    assert phone.find_element(By.CSS_SELECTOR, "#my-sign-ups .tag").text == "已录用"
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []
