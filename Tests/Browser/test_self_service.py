"""Volunteers on their own, in a real browser: signing up for an activity, and staff deciding the roster."""
import datetime
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors, screenshot
from test_web_pages import CHINA, login, no_serious_accessibility_violations, resident_id, session_opener, status_of, wait_until


def png_header(width, height):
    """A PNG signature and IHDR chunk declaring `width` x `height` pixels (8-bit RGB); enough for the server's checks."""
    return (bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + b"IHDR" + width.to_bytes(4, "big")
            + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0, 0, 0, 0, 0]))

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


def test_a_volunteer_scans_the_rotating_code_to_check_in_and_out(server, laptop, phone):
    url = server["url"]
    login(laptop, server, "org1-admin")
    now = datetime.datetime.now(CHINA)
    start, end = now - datetime.timedelta(minutes=30), now + datetime.timedelta(hours=2)
    laptop.get(url + "/org/activities/new")
    laptop.find_element(By.ID, "title").send_keys("广场清洁日")
    laptop.find_element(By.ID, "place").send_keys("阳光社区广场")
    laptop.find_element(By.ID, "leader").send_keys("周海明")
    laptop.find_element(By.ID, "content").send_keys("清扫广场")
    for field, moment in (("start", start), ("end", end)):
        laptop.execute_script("arguments[0].value = arguments[1]", laptop.find_element(By.ID, field), moment.strftime("%Y-%m-%dT%H:%M"))
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/activities/new'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/activities/\d+$"))
    activity_url = laptop.current_url

    # The screen at the site: a QR code of the check-in URL with an 8-digit code.
    laptop.find_element(By.ID, "attendance-link").click()
    WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "attendance-screen")))
    first_code = laptop.find_element(By.ID, "attendance-code").text
    first_link = laptop.find_element(By.CSS_SELECTOR, "#attendance-screen a#attendance-link").get_attribute("href")
    first_step = int(laptop.find_element(By.ID, "attendance-screen").get_attribute("data-expires-at")) // 30000 - 1
    assert re.fullmatch(r"\d{8}", first_code) and first_link.endswith("?code=" + first_code)
    assert laptop.find_element(By.ID, "attendance-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    screenshot(laptop, "attendance-screen")
    no_serious_accessibility_violations(laptop)

    # Staff set the check-in site from the laptop's own position, 200 m, presence not required.
    laptop.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})
    laptop.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 30.2741, "longitude": 120.1551, "accuracy": 10})
    laptop.find_element(By.ID, "site-radius").clear()
    laptop.find_element(By.ID, "site-radius").send_keys("5")
    laptop.find_element(By.ID, "site-here").click()
    wait_until(laptop, lambda d: d.find_element(By.ID, "site-latitude").get_attribute("value") == "30.274100")
    laptop.find_element(By.CSS_SELECTOR, "form[data-site-form] button[type=submit]:not([name])").click()
    assert "20" in WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "site-radius-error"))).text
    assert laptop.find_element(By.ID, "site-latitude").get_attribute("value") == "30.274100"  # kept as typed
    laptop.find_element(By.ID, "site-radius").clear()
    laptop.find_element(By.ID, "site-radius").send_keys("200")
    laptop.find_element(By.CSS_SELECTOR, "form[data-site-form] button[type=submit]:not([name])").click()
    WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "form[data-site-form] button[name=clear]")))
    assert laptop.find_element(By.ID, "site-longitude").get_attribute("value") == "120.1551"

    # The volunteer's phone opens the link, logs in on the way, and checks in with its position.
    phone.delete_all_cookies()
    phone.execute_cdp_cmd("Browser.grantPermissions", {"origin": url, "permissions": ["geolocation"]})
    # The volunteer is about 960 m east of the site: accepted (presence is not required) and flagged.
    phone.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 30.2741, "longitude": 120.1651, "accuracy": 18})
    phone.get(first_link)
    WebDriverWait(phone, 30).until(EC.url_contains("/login"))
    phone.find_element(By.ID, "username").send_keys("volunteer1")
    phone.find_element(By.ID, "password").send_keys("demo-2026")
    phone.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "self-check-button")))
    assert "/a/" in phone.current_url
    WebDriverWait(phone, 15).until(lambda d: "±18 m" in d.find_element(By.ID, "position-status").text)
    screenshot(phone, "self-check-in")
    no_serious_accessibility_violations(phone)
    phone.find_element(By.ID, "self-check-button").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "check-in-done")))
    checked_in = datetime.datetime.now()
    assert "签退" in phone.find_element(By.ID, "self-check-button").text

    laptop.get(activity_url)
    row = laptop.find_element(By.CSS_SELECTOR, "#check-ins tbody tr")
    assert "在场" in row.text and "扫码签到 (30.27410, 120.16510 ±18 m) · 不在活动地点" in row.text, row.text

    # The screen renews its code by itself; a minute later the first code is refused.
    laptop.get(activity_url + "/attendance")
    wait_until(laptop, lambda d: d.find_element(By.ID, "attendance-code").text != first_code, timeout=45)
    remaining = 62 - (datetime.datetime.now() - checked_in).total_seconds()
    if remaining > 0:
        import time
        time.sleep(remaining)
    wait_until(laptop, lambda d: int(d.find_element(By.ID, "attendance-screen").get_attribute("data-expires-at")) // 30000 - 1
               >= first_step + 2, timeout=45)
    code_now = laptop.find_element(By.ID, "attendance-code").text
    link_now = laptop.find_element(By.CSS_SELECTOR, "#attendance-screen a#attendance-link").get_attribute("href")
    assert code_now != first_code and link_now.endswith("?code=" + code_now)
    phone.get(first_link)
    assert "无效或已过期" in phone.find_element(By.ID, "check-in-error").text

    # Scanning again checks out: the record is the volunteer's, source self check-in.
    phone.get(link_now)
    button = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "self-check-button")))
    assert button.text == "签退"
    button.click()
    WebDriverWait(phone, 30).until(EC.url_matches(r"/me/records/\d+$"))
    assert "扫码签到" in phone.page_source
    screenshot(phone, "self-check-out-record")
    # Staff see where the check-out was made too, flagged away from the site as the check-in was.
    laptop.get(activity_url)
    row = laptop.find_element(By.CSS_SELECTOR, "#check-ins tbody tr")
    assert "签退 (30.27410, 120.16510 ±18 m) · 不在活动地点" in row.text, row.text
    screenshot(laptop, "staff-check-ins-after-self-check-out")
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []


def test_staff_invite_a_member_who_opens_their_own_login(server, laptop, phone):
    url = server["url"]
    login(laptop, server, "org1-admin")
    laptop.get(url + "/org/volunteers/new")
    number = resident_id("33010219950505123")
    laptop.find_element(By.ID, "documentNumber").send_keys(number)
    laptop.find_element(By.ID, "name").send_keys("林受邀")
    laptop.find_element(By.ID, "phone").send_keys("13800138123")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/volunteers/new'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/volunteers/\d+$"))
    volunteer_url = laptop.current_url

    laptop.find_element(By.ID, "invite-button").click()
    code = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "invitation-code"))).text
    link = laptop.find_element(By.ID, "invitation-link").get_attribute("href")
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code) and link.endswith("/invite?code=" + code)
    assert laptop.find_element(By.ID, "invitation-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    screenshot(laptop, "invitation")

    # The volunteer opens the link on their phone: the code alone is not enough.
    phone.delete_all_cookies()
    phone.get(link)
    assert phone.find_element(By.ID, "code").get_attribute("value") == code
    phone.find_element(By.ID, "documentNumber").send_keys("330102199505050000")
    phone.find_element(By.ID, "username").send_keys("lin-shouyao")
    phone.find_element(By.ID, "password").send_keys("my-own-password")
    phone.find_element(By.ID, "passwordAgain").send_keys("my-own-password")
    phone.find_element(By.CSS_SELECTOR, "form[action='/invite'] button[type=submit]").click()
    assert "证件号码不符" in WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "documentNumber-error"))).text
    screenshot(phone, "invitation-redeem-error")
    no_serious_accessibility_violations(phone)
    phone.find_element(By.ID, "documentNumber").clear()
    phone.find_element(By.ID, "documentNumber").send_keys(number)
    phone.find_element(By.ID, "password").send_keys("my-own-password")
    phone.find_element(By.ID, "passwordAgain").send_keys("my-own-password")
    phone.find_element(By.CSS_SELECTOR, "form[action='/invite'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "login-invited")))
    login(phone, server, "lin-shouyao", password="my-own-password")
    assert phone.current_url.endswith("/me") and "林受邀" in phone.page_source

    # The code is spent, and the member now has a login: no second invitation.
    phone.delete_all_cookies()
    phone.get(link)
    phone.find_element(By.ID, "documentNumber").send_keys(number)
    phone.find_element(By.ID, "username").send_keys("lin-second")
    phone.find_element(By.ID, "password").send_keys("my-own-password")
    phone.find_element(By.ID, "passwordAgain").send_keys("my-own-password")
    phone.find_element(By.CSS_SELECTOR, "form[action='/invite'] button[type=submit]").click()
    assert "已使用" in WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "code-error"))).text
    laptop.get(volunteer_url)
    laptop.find_element(By.ID, "invite-button").click()
    assert "已有登录账号" in WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "invitation-error"))).text
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []


def test_a_volunteer_claims_hours_with_a_photo_and_staff_approve(server, laptop, phone, tmp_path):
    url = server["url"]
    login(laptop, server, "org1-admin")
    day = (datetime.datetime.now(CHINA) - datetime.timedelta(days=2)).date()
    create_activity(laptop, url, "纸质签到的敬老活动", day, start="14:00", end="17:00")
    photo = tmp_path / "sign-in-sheet.png"
    photo.write_bytes(png_header(640, 480) + bytes(200))

    login(phone, server, "volunteer1")
    phone.find_element(By.CSS_SELECTOR, "nav a[href='/me/claims']").click()
    WebDriverWait(phone, 30).until(EC.url_contains("/me/claims"))
    option = phone.find_element(By.XPATH, "//select[@id='activityId']/option[contains(., '纸质签到的敬老活动')]")
    option.click()
    # Outside the activity's time: refused beside the form, nothing stored.
    for field, time in (("start", "12:00"), ("end", "13:00")):
        phone.execute_script("arguments[0].value = arguments[1]", phone.find_element(By.ID, field), f"{day}T{time}")
    phone.find_element(By.ID, "note").send_keys("活动使用纸质签到表")
    phone.find_element(By.CSS_SELECTOR, "form[action='/me/claims'] button[type=submit]").click()
    error = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".error")))
    assert "活动时间" in error.text, error.text
    assert phone.find_elements(By.CSS_SELECTOR, "#my-claims li[data-claim]") == []
    for field, time in (("start", "14:00"), ("end", "16:30")):
        phone.execute_script("arguments[0].value = arguments[1]", phone.find_element(By.ID, field), f"{day}T{time}")
    # A photo declaring 50000 x 50000 pixels is refused beside its field, nothing stored.
    giant = tmp_path / "giant.png"
    giant.write_bytes(png_header(50000, 50000) + bytes(200))
    phone.find_element(By.ID, "evidence").send_keys(str(giant))
    phone.find_element(By.CSS_SELECTOR, "form[action='/me/claims'] button[type=submit]").click()
    error = WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "evidence-error")))
    assert "50000×50000" in error.text, error.text
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", error)
    screenshot(phone, "claim-photo-too-large")
    assert phone.find_elements(By.CSS_SELECTOR, "#my-claims li[data-claim]") == []
    for field, time in (("start", "14:00"), ("end", "16:30")):
        phone.execute_script("arguments[0].value = arguments[1]", phone.find_element(By.ID, field), f"{day}T{time}")
    if not phone.find_element(By.ID, "note").get_attribute("value"):
        phone.find_element(By.ID, "note").send_keys("活动使用纸质签到表")
    phone.find_element(By.ID, "evidence").send_keys(str(photo))
    phone.find_element(By.CSS_SELECTOR, "form[action='/me/claims'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.url_contains("#my-claims"))
    mine = phone.find_element(By.CSS_SELECTOR, "#my-claims li[data-claim]")
    assert "待审核" in mine.text and "2.50" in mine.text, mine.text
    claim_id = mine.get_attribute("data-claim")
    # The volunteer asks for a correction while it is pending; staff see it beside the claim.
    mine.find_element(By.CSS_SELECTOR, "details.correction-form summary").click()
    mine.find_element(By.ID, f"correction-{claim_id}").send_keys("实际 16:00 离开")
    mine.find_element(By.CSS_SELECTOR, f"form[action='/me/claims/{claim_id}/correction'] button[type=submit]").click()
    # The URL already ends in #my-claims: wait for the new page's text, not for the URL.
    WebDriverWait(phone, 30).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, f"#my-claims li[data-claim='{claim_id}'] .correction"), "实际 16:00 离开"))
    screenshot(phone, "volunteer-claims")
    no_serious_accessibility_violations(phone)

    # Staff see it with its photo and approve: one record, source hours claim.
    laptop.get(url + "/org/claims")
    item = laptop.find_element(By.CSS_SELECTOR, f"#claims li[data-claim='{claim_id}']")
    assert "余雪梅" in item.text and "2.50" in item.text
    status, image = status_of(session_opener(laptop), item.find_element(By.CLASS_NAME, "claim-evidence").get_attribute("href"))
    assert status == 200 and image.startswith(b"\x89PNG")
    screenshot(laptop, "staff-claims")
    no_serious_accessibility_violations(laptop)
    assert "实际 16:00 离开" in item.find_element(By.CLASS_NAME, "correction").text
    # Staff adjust the hours to the correction: an unreadable figure is refused and nothing is decided.
    hours = item.find_element(By.CSS_SELECTOR, "input.hours")
    assert hours.get_attribute("value") == "2.50"
    hours.clear()
    hours.send_keys("两小时")
    item.find_element(By.CSS_SELECTOR, "button.approve").click()
    error = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "claims-error")))
    assert f"#{claim_id}" in error.text
    item = laptop.find_element(By.CSS_SELECTOR, f"#claims li[data-claim='{claim_id}']")
    hours = item.find_element(By.CSS_SELECTOR, "input.hours")
    hours.clear()
    hours.send_keys("2")
    item.find_element(By.CSS_SELECTOR, "button.approve").click()
    WebDriverWait(laptop, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#claims li[data-claim='{claim_id}']") == [])
    laptop.get(url + "/org/claims?all=1")
    approved = laptop.find_element(By.CSS_SELECTOR, f"#claims li[data-claim='{claim_id}']")
    assert "已批准" in approved.text
    approved.find_element(By.LINK_TEXT, "服务记录").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/records/\d+$"))
    assert "补录申请" in laptop.page_source and "2.00" in laptop.page_source and "16:00" in laptop.page_source

    phone.get(url + "/me/claims")
    assert "已批准" in phone.find_element(By.CSS_SELECTOR, f"#my-claims li[data-claim='{claim_id}']").text
    assert javascript_errors(phone) == [] and javascript_errors(laptop) == []


def test_an_organization_admin_sets_how_long_a_forgotten_check_out_waits(server, laptop):
    url = server["url"]
    login(laptop, server, "org1-admin")
    laptop.find_element(By.CSS_SELECTOR, "nav a[href='/org/settings']").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("/org/settings"))
    grace = laptop.find_element(By.ID, "checkOutGraceMinutes")
    assert grace.get_attribute("value") == "120"
    grace.clear()
    grace.send_keys("两天")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/settings'] button[type=submit]").click()
    error = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "checkOutGraceMinutes-error")))
    assert "0 到 1440" in error.text
    grace = laptop.find_element(By.ID, "checkOutGraceMinutes")
    grace.clear()
    grace.send_keys("30")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/settings'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "settings-notice")))
    laptop.get(url + "/org/settings")
    assert laptop.find_element(By.ID, "checkOutGraceMinutes").get_attribute("value") == "30"
    screenshot(laptop, "organization-settings")
    no_serious_accessibility_violations(laptop)
    assert javascript_errors(laptop) == []
