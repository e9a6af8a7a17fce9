"""The web interface in a real browser (headless Chromium through Selenium) against `vledger serve` with the samples."""
import datetime
import http.cookiejar
import json
import os
import re
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from axe_selenium_python import Axe
from selenium.common.exceptions import (NoAlertPresentException, NoSuchElementException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, javascript_errors, screenshot

CHINA = datetime.timezone(datetime.timedelta(hours=8))


def login(driver, server, username, password="demo-2026"):
    driver.get(server["url"] + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)


def no_serious_accessibility_violations(driver):
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in results["violations"] if v["impact"] in ("critical", "serious")]
    assert serious == [], serious


def resident_id(base17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return base17 + "10X98765432"[sum(int(c) * w for c, w in zip(base17, weights)) % 11]


def session_opener(driver):
    """A urllib opener that sends the browser's cookies (to read status codes and downloads)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    opener.addheaders = [("Cookie", cookies)]
    return opener


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status_of(opener, url, data=None):
    try:
        with opener.open(url, data=data, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def text_when_present(driver, element_id, timeout=120):
    """The text of an element once it is there (the upload script replaces the page when the answer comes)."""
    return WebDriverWait(driver, timeout, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]).until(
        lambda d: d.find_element(By.ID, element_id).text)


def wait_until(driver, condition, timeout=60):
    """Waits for `condition`, ignoring the errors of a page being replaced meanwhile."""
    return WebDriverWait(driver, timeout, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException,
                                                              WebDriverException]).until(condition)


def record_links(driver):
    return [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "table a[href*='/org/records/']")]


def test_login_page_is_accessible_and_refuses_a_wrong_password(server, laptop):
    laptop.get(server["url"] + "/login")
    screenshot(laptop, "login")
    no_serious_accessibility_violations(laptop)
    laptop.find_element(By.ID, "username").send_keys("org1-admin")
    laptop.find_element(By.ID, "password").send_keys("wrong-password")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    assert "用户名或密码不正确" in text_when_present(laptop, "login-error")
    assert javascript_errors(laptop) == []


def test_front_page_checks_a_serial(server, laptop):
    laptop.get(server["url"] + "/")
    screenshot(laptop, "front")
    assert laptop.find_element(By.TAG_NAME, "h1").text == "志愿服务记录平台"
    laptop.find_element(By.ID, "q").send_keys("0000-0000-0000-0000")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/check'] button").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("/v/"))
    assert "/v/0000000000000000" in laptop.current_url
    assert "无效" in laptop.page_source


def test_organization_admin_works_through_the_ledger(server, laptop):
    url = server["url"]
    login(laptop, server, "org1-admin")
    assert laptop.current_url.endswith("/org")
    assert "本年时长" in laptop.page_source
    screenshot(laptop, "staff-home")
    no_serious_accessibility_violations(laptop)

    # An activity yesterday morning, titled with markup that must show as text.
    yesterday = (datetime.datetime.now(CHINA) - datetime.timedelta(days=1)).date()
    title = "<script>alert('x')</script>社区清洁日"
    laptop.get(url + "/org/activities/new")
    laptop.find_element(By.ID, "title").send_keys(title)
    laptop.find_element(By.ID, "place").send_keys("阳光社区")
    laptop.find_element(By.ID, "leader").send_keys("周海明")
    laptop.find_element(By.ID, "content").send_keys("清扫楼道和绿地")
    for field, hour in (("start", "09"), ("end", "12")):
        laptop.execute_script("arguments[0].value = arguments[1]", laptop.find_element(By.ID, field), f"{yesterday}T{hour}:00")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/activities/new'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/activities/\d+$"))
    activity_url = laptop.current_url
    assert laptop.find_element(By.TAG_NAME, "h1").text == title
    try:
        laptop.switch_to.alert
        raise AssertionError("the activity title ran as a script")
    except NoAlertPresentException:
        pass

    # Register a volunteer; the ID number is checked as it is typed.
    laptop.get(url + "/org/volunteers/new")
    number = resident_id("33010619900101123")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    laptop.find_element(By.ID, "documentNumber").send_keys(wrong)
    assert "校验位应为" in laptop.find_element(By.ID, "documentNumber-hint").text
    laptop.find_element(By.ID, "documentNumber").clear()
    laptop.find_element(By.ID, "documentNumber").send_keys(number)
    assert laptop.find_element(By.ID, "documentNumber-hint").text == "✓"
    laptop.find_element(By.ID, "name").send_keys("王测试")
    laptop.find_element(By.ID, "phone").send_keys("13800138000")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/org/volunteers/new'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/org/volunteers/\d+"))
    volunteer_number = re.search(r"V\d{11}", laptop.find_element(By.TAG_NAME, "h1").text).group(0)
    assert number[:4] + "**********" + number[-4:] in laptop.page_source and number not in laptop.page_source  # masked

    # Hours for three volunteers at once.
    laptop.get(activity_url + "/record")
    members = [o.get_attribute("value") for o in laptop.find_elements(By.CSS_SELECTOR, "datalist#members option")]
    chosen = [volunteer_number] + [m for m in members if m != volunteer_number][:2]
    numbers = laptop.find_elements(By.NAME, "volunteerNumber")
    for field, value in zip(numbers, chosen):
        field.send_keys(value)
    screenshot(laptop, "record-batch")
    laptop.find_element(By.CSS_SELECTOR, "#batch-form button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("recorded=3"))
    assert len(record_links(laptop)) == 3

    # Again for the same volunteer and morning: the row's error is shown beside it and nothing is stored.
    laptop.get(activity_url + "/record")
    laptop.find_elements(By.NAME, "volunteerNumber")[0].send_keys(volunteer_number)
    laptop.find_element(By.CSS_SELECTOR, "#batch-form button[type=submit]").click()
    # The refused form comes back at the same URL: wait for the new page, not for a URL.
    error = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-error-row='0']"))).text
    assert "重叠" in error, error
    screenshot(laptop, "record-batch-error")
    laptop.get(activity_url)
    assert len(record_links(laptop)) == 3

    # Correct one record and read its history.
    laptop.get(record_links(laptop)[0])
    hours = laptop.find_element(By.ID, "hours")
    hours.clear()
    hours.send_keys("2")
    laptop.find_element(By.ID, "reason").send_keys("核对纸质签到表")
    laptop.find_element(By.CSS_SELECTOR, "form[action$='/correct'] button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_contains("#history"))
    history = laptop.find_elements(By.CSS_SELECTOR, "#history-table tbody tr")
    assert len(history) == 2
    assert "更正" in history[1].text and "核对纸质签到表" in history[1].text and "2.00" in history[1].text
    assert laptop.find_element(By.ID, "record-hours").text == "2.00"
    screenshot(laptop, "record-history")

    # The GBK file as Excel saves it, uploaded from the browser.
    laptop.get(url + "/org/import")
    laptop.find_element(By.ID, "file").send_keys(os.path.join(ROOT, "samples", "import-gbk.csv"))
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    result = text_when_present(laptop, "import-result")
    assert "已导入 30 条记录" in result, result
    screenshot(laptop, "import-done")

    # Find the new volunteer by the last digits of the phone; issue a certificate for them and revoke it.
    laptop.get(url + "/org/volunteers?q=99999")
    assert volunteer_number not in laptop.page_source
    laptop.get(url + "/org/volunteers?q=38000")
    assert volunteer_number in laptop.page_source
    laptop.get(url + "/org/certificates")
    laptop.find_element(By.ID, "volunteerNumber").send_keys(volunteer_number)
    laptop.find_element(By.CSS_SELECTOR, "#issue-form button[type=submit]").click()
    notice = text_when_present(laptop, "certificate-notice")
    serial = re.search(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", notice).group(0)
    row = [r for r in laptop.find_elements(By.CSS_SELECTOR, "#certificates-table tbody tr") if serial in r.text][0]
    assert "有效" in row.text
    row.find_element(By.NAME, "reason").send_keys("登记有误，重新出具")
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(laptop, 30, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: any(serial in r.text and "已撤销" in r.text for r in d.find_elements(By.CSS_SELECTOR, "#certificates-table tbody tr")))
    screenshot(laptop, "staff-certificates")

    # The records list exports what it shows.
    laptop.get(url + "/org/records")
    export = laptop.find_element(By.PARTIAL_LINK_TEXT, "导出服务记录").get_attribute("href")
    status, body = status_of(session_opener(laptop), export)
    assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    assert len(body.decode("utf-8-sig").strip().splitlines()) > 30
    assert javascript_errors(laptop) == []


def workbook_of(csv_path, xlsx_path):
    """The rows of a CSV file as the first sheet of a minimal .xlsx (inline strings), written with zipfile."""
    import csv
    import zipfile
    from xml.sax.saxutils import escape
    with open(csv_path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    def column(index):
        name = ""
        index += 1
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        return name
    sheet = "".join(
        f'<row r="{r + 1}">' + "".join(f'<c r="{column(c)}{r + 1}" t="inlineStr"><is><t>{escape(v)}</t></is></c>' for c, v in enumerate(row))
        + "</row>" for r, row in enumerate(rows))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(xlsx_path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      '<Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/></Relationships>')
        book.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>')


def test_an_import_with_bad_rows_lists_every_one_and_imports_nothing(server, laptop, tmp_path):
    login(laptop, server, "org2-admin")
    laptop.get(server["url"] + "/org/records")
    before = len(record_links(laptop))
    laptop.get(server["url"] + "/org/import")
    laptop.find_element(By.ID, "file").send_keys(os.path.join(ROOT, "samples", "import-bad-rows.csv"))
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    text_when_present(laptop, "import-errors")
    table = laptop.find_element(By.ID, "import-errors")
    lines = [row.find_elements(By.TAG_NAME, "td")[0].text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    expected = [line.split("\t")[0] for line in open(os.path.join(ROOT, "samples", "import-bad-rows.expected.txt"), encoding="utf-8")
                if line.strip()]
    assert lines == expected
    screenshot(laptop, "import-bad-rows")
    laptop.get(server["url"] + "/org/records")
    assert len(record_links(laptop)) == before

    # The same rows in an Excel workbook: the same bad rows, by Excel's row numbers.
    workbook = str(tmp_path / "import-bad-rows.xlsx")
    workbook_of(os.path.join(ROOT, "samples", "import-bad-rows.csv"), workbook)
    laptop.get(server["url"] + "/org/import")
    laptop.find_element(By.ID, "file").send_keys(workbook)
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    text_when_present(laptop, "import-errors")
    table = laptop.find_element(By.ID, "import-errors")
    assert [row.find_elements(By.TAG_NAME, "td")[0].text for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")] == expected
    laptop.get(server["url"] + "/org/records")
    assert len(record_links(laptop)) == before


def test_a_volunteer_on_a_phone_gets_a_certificate_that_verifies(server, phone):
    login(phone, server, "volunteer1")
    assert phone.current_url.endswith("/me")
    assert re.fullmatch(r"\d+\.\d\d", phone.find_element(By.ID, "total-hours").text)
    stars = int(phone.find_element(By.ID, "star-level").get_attribute("data-stars"))
    assert 0 <= stars <= 5 and phone.find_element(By.ID, "star-level").text.count("★") == stars
    screenshot(phone, "volunteer-home")
    no_serious_accessibility_violations(phone)

    phone.get(server["url"] + "/me/certificates")
    phone.find_element(By.CSS_SELECTOR, "form[action='/me/certificates'] button[type=submit]").click()
    WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "certificate-serial")))
    assert phone.find_element(By.ID, "certificate-status").text == "有效"
    screenshot(phone, "volunteer-certificate")
    pdf_url = phone.find_element(By.ID, "download-pdf").get_attribute("href")
    status, pdf = status_of(session_opener(phone), pdf_url)
    assert status == 200 and pdf.startswith(b"%PDF")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", file.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "志愿服务记录证明" in text.replace(" ", "")
    phone.find_element(By.ID, "show-qr").click()
    assert phone.find_element(By.ID, "qr-image").is_displayed()
    screenshot(phone, "volunteer-qr")

    phone.get(phone.find_element(By.ID, "verification-link").get_attribute("href"))
    assert "有效" in phone.page_source
    screenshot(phone, "verification")
    no_serious_accessibility_violations(phone)
    assert javascript_errors(phone) == []


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(server, laptop):
    login(laptop, server, "org1-staff")
    opener = session_opener(laptop)
    form = urllib.parse.urlencode({"title": "没有令牌的活动", "place": "x", "category": "other",
                                   "start": "2026-01-01T09:00", "end": "2026-01-01T10:00"}).encode()
    status, body = status_of(opener, server["url"] + "/org/activities/new", data=form)
    assert status == 403
    assert "未作任何更改" in body.decode()
    laptop.get(server["url"] + "/org/activities")
    assert "没有令牌的活动" not in laptop.page_source


def test_another_organizations_pages_are_refused(server, laptop):
    login(laptop, server, "org2-staff")
    laptop.get(server["url"] + "/org/records")
    foreign = record_links(laptop)[0]
    laptop.delete_all_cookies()
    login(laptop, server, "org1-staff")
    status, body = status_of(session_opener(laptop), foreign)
    assert status == 404, status
    laptop.get(foreign)
    assert "404" in laptop.find_element(By.TAG_NAME, "h1").text
    # A volunteer's pages are not for staff, and staff pages not for volunteers.
    status, _ = status_of(session_opener(laptop), server["url"] + "/me")
    assert status == 403


def test_a_campaign_goes_from_creation_to_publication_with_an_inspectors_findings(server, laptop, phone):
    url = server["url"]
    login(laptop, server, "admin", "admin-demo-2026")
    assert laptop.current_url.endswith("/admin")
    screenshot(laptop, "admin-home")
    laptop.get(url + "/admin/spot-checks")
    laptop.find_element(By.ID, "spot-title").send_keys("2026年服务记录抽查（浏览器测试）")
    laptop.execute_script("arguments[0].value = '2026-01-01'", laptop.find_element(By.ID, "from"))
    laptop.execute_script("arguments[0].value = '2026-12-31'", laptop.find_element(By.ID, "to"))
    laptop.find_element(By.ID, "size").send_keys("2")
    laptop.find_element(By.CSS_SELECTOR, "#spot-check-form button[type=submit]").click()
    WebDriverWait(laptop, 30).until(EC.url_matches(r"/admin/spot-checks/\d+$"))
    campaign_url = laptop.current_url

    laptop.find_element(By.ID, "step-button").click()  # freeze
    digest = wait_until(laptop, lambda d: d.find_element(By.ID, "population-digest").text)
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    laptop.find_element(By.ID, "seed").send_keys("0138-2438-1127-9731-6654")
    laptop.find_element(By.ID, "step-button").click()  # draw
    wait_until(laptop, lambda d: d.find_element(By.ID, "campaign-seed").text != "")
    assert len(laptop.find_elements(By.CSS_SELECTOR, "#sample-table tbody tr")) == 2
    laptop.find_element(By.ID, "step-button").click()  # assign
    wait_until(laptop, lambda d: "#" in d.find_element(By.CSS_SELECTOR, "#sample-table tbody tr td:nth-child(3)").text)
    screenshot(laptop, "admin-campaign")

    # The inspector decides both items on a phone.
    login(phone, server, "inspector1")
    assert phone.current_url.endswith("/inspect")
    screenshot(phone, "inspector-worklist")
    for _ in range(2):
        phone.get(url + "/inspect")
        phone.find_element(By.CSS_SELECTOR, "#open-items a").click()
        WebDriverWait(phone, 30).until(EC.presence_of_element_located((By.ID, "finding-form")))
        for radio in phone.find_elements(By.CSS_SELECTOR, "input[type=radio][value=yes]"):
            phone.execute_script("arguments[0].click()", radio)
        screenshot(phone, "inspector-item")
        phone.find_element(By.CSS_SELECTOR, "#finding-form button[type=submit]").click()
        WebDriverWait(phone, 30).until(EC.url_contains("decided=1"))
    assert phone.find_elements(By.CSS_SELECTOR, "#open-items a") == []
    assert len(phone.find_elements(By.CSS_SELECTOR, "#decided-items li")) >= 2
    assert javascript_errors(phone) == []

    laptop.get(campaign_url)
    laptop.find_element(By.ID, "step-button").click()  # publish
    link = WebDriverWait(laptop, 30).until(EC.presence_of_element_located((By.ID, "public-results"))).get_attribute("href")
    assert laptop.find_element(By.ID, "campaign-status").text == "已公示"
    laptop.get(link)
    assert "2026年服务记录抽查（浏览器测试）" in laptop.page_source
    laptop.get(url + "/spot-checks")
    assert "2026年服务记录抽查（浏览器测试）" in laptop.page_source
    screenshot(laptop, "public-spot-checks")
    assert javascript_errors(laptop) == []


def api(server, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(server["url"] + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_a_file_of_100000_rows_imports_from_the_browser_with_rows_checked_shown(server, laptop, tmp_path):
    token = api(server, "POST", "/api/v1/auth/login", body={"username": "org3-admin", "password": "demo-2026"})["token"]
    organization = api(server, "GET", "/api/v1/me", token)["organizationId"]
    members = [(v["name"], v["number"]) for v in api(server, "GET", f"/api/v1/organizations/{organization}/members?limit=200", token)["items"]]
    assert len(members) >= 20
    # A 30-day activity that ended yesterday; one-minute records, each volunteer's minutes one after another.
    end = datetime.datetime.now(CHINA).replace(hour=0, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)
    start = end - datetime.timedelta(days=30)
    activity = api(server, "POST", f"/api/v1/organizations/{organization}/activities", token, {
        "title": "十万行导入测试", "content": "browser import of 100,000 rows", "category": "community_service", "place": "线上",
        "leader": "测试", "start": start.isoformat(), "end": end.isoformat()})["id"]
    path = tmp_path / "hours-100000.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("姓名,志愿者编号,活动编号,开始时间,结束时间\n")
        for row in range(100_000):
            name, number = members[row % len(members)]
            begin = start + datetime.timedelta(minutes=row // len(members))
            f.write(f"{name},{number},{activity},{begin:%Y-%m-%d %H:%M},{begin + datetime.timedelta(minutes=1):%Y-%m-%d %H:%M}\n")
    login(laptop, server, "org3-admin")
    laptop.get(server["url"] + "/org/import")
    laptop.find_element(By.ID, "file").send_keys(str(path))
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    # The job page shows rows checked of the total while the file is checked.
    seen = wait_until(laptop, lambda d: ("running" if d.find_elements(By.ID, "import-running") else "")
                      or ("done" if d.find_elements(By.ID, "import-result") else ""), timeout=120)
    if seen == "running":
        assert laptop.find_element(By.ID, "import-total").text == "100000"
        screenshot(laptop, "import-progress")
    result = text_when_present(laptop, "import-result", timeout=300)
    assert "100000" in result, result
    screenshot(laptop, "import-100000-done")
    assert javascript_errors(laptop) == []
