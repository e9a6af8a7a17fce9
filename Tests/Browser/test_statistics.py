"""The bureau's statistics (/admin/statistics) with its SVG chart, table and downloads, and the public open data
(/statistics) with a district of three volunteers shown as "<5"."""
import csv
import io
import json
import sqlite3
import time
import urllib.request
import zipfile
import xml.etree.ElementTree as ET

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors, launch_server, screenshot, stop_server


@pytest.fixture(scope="module")
def stats_server():
    """A server of its own, with a small district (余杭区, 330110) added: one organization, three volunteers, a record each."""
    launched = launch_server("vledger-statistics-")
    database = sqlite3.connect(launched["folder"] + "/vledger.sqlite", timeout=30)
    now = int(time.time())
    start = now - 20 * 86400
    with database:
        organization = database.execute(
            "INSERT INTO organizations (credit_code, name, region_code, contact_name, contact_phone, time_zone, created_at) "
            "VALUES ('51330110MJTEST0001', '杭州市余杭区小小志愿服务队', '330110', '测试', '13800000000', 'Asia/Shanghai', ?)", (now - 86400,)).lastrowid
        activity = database.execute(
            "INSERT INTO activities (organization_id, title, content, category, place, start_at, end_at, leader, created_at) "
            "VALUES (?, '河道清理', '河道清理', 'environmental_protection', '余杭塘河', ?, ?, '王队长', ?)",
            (organization, start, start + 8 * 3600, now - 86400)).lastrowid
        for n in range(3):
            volunteer = database.execute(
                "INSERT INTO volunteers (number, name, sex, birth_date, document_type, document_number, residence_area, phone, skills, "
                "service_categories, registered_at) VALUES (?, ?, 'female', '1990-01-01', 'passport', ?, '杭州市余杭区', '13900000000', '[]', "
                "'[\"environmental_protection\"]', ?)", (f"VSTAT0000{n}", f"小志愿者{n}", f"E0000000{n}", now - 86400)).lastrowid
            database.execute("INSERT INTO memberships (organization_id, volunteer_id, joined_at) VALUES (?, ?, ?)", (organization, volunteer, now - 86400))
            database.execute(
                "INSERT INTO service_records (volunteer_id, activity_id, organization_id, start_at, end_at, minutes, source, note, recorded_by, "
                "recorded_at, is_late, is_void, revision) VALUES (?, ?, ?, ?, ?, 120, 'manual', '', NULL, ?, 0, 0, 1)",
                (volunteer, activity, organization, start, start + 2 * 3600, now - 86400))
    database.close()
    yield launched
    stop_server(launched)


def login(driver, server, username, password):
    driver.get(server["url"] + "/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)


def fetch(driver, url):
    """A download with the browser's session cookie."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookies}), timeout=30) as response:
        return response.headers, response.read()


def xlsx_rows(data):
    """The first sheet's cells as text, read with zipfile and ElementTree (no openpyxl)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    archive = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in archive.namelist():
        for item in ET.fromstring(archive.read("xl/sharedStrings.xml")).findall("m:si", ns):
            shared.append("".join(t.text or "" for t in item.iter("{%s}t" % ns["m"])))
    rows = []
    for row in ET.fromstring(archive.read("xl/worksheets/sheet1.xml")).iter("{%s}row" % ns["m"]):
        cells = []
        for cell in row.findall("m:c", ns):
            kind, value = cell.get("t"), cell.find("m:v", ns)
            if kind == "s":
                cells.append(shared[int(value.text)])
            elif kind == "inlineStr":
                cells.append("".join(t.text or "" for t in cell.iter("{%s}t" % ns["m"])))
            else:
                cells.append(value.text if value is not None else "")
        rows.append(cells)
    return rows


def test_admin_statistics_page_chart_table_and_downloads(stats_server, laptop, phone):
    login(laptop, stats_server, "admin", "admin-demo-2026")
    laptop.get(stats_server["url"] + "/admin")
    laptop.find_element(By.ID, "statistics-link").click()
    WebDriverWait(laptop, 30).until(lambda d: "/admin/statistics" in d.current_url)
    year = time.strftime("%Y")
    laptop.get(stats_server["url"] + f"/admin/statistics?from={year}-01-01&to={year}-12-31")
    chart = laptop.find_element(By.ID, "chart-district")
    assert chart.get_attribute("role") == "img"
    assert laptop.find_element(By.ID, "chart-district-title").get_attribute("textContent") == "各区县服务时长（小时）"
    bars = chart.find_elements(By.CSS_SELECTOR, "g.bar")
    assert len(bars) >= 5  # the samples' four districts and 余杭区
    districts = laptop.find_element(By.ID, "statistics-district")
    assert "余杭区 (330110)" in districts.text and "西湖区 (330106)" in districts.text
    small = [row for row in districts.find_elements(By.CSS_SELECTOR, "tbody tr") if "余杭区" in row.text][0]
    cells = [cell.text for cell in small.find_elements(By.CSS_SELECTOR, "td")]
    assert cells == ["3", "3", "6.00", "3"]  # registered, served, hours, records: the admin sees the true counts
    served = int(laptop.find_element(By.XPATH, "//table[@id='statistics-figures']//tr[th='参与服务的志愿者']/td[1]").text)
    assert served > 3
    screenshot(laptop, "statistics-admin")
    laptop.execute_script("arguments[0].scrollIntoView()", chart)
    screenshot(laptop, "statistics-admin-chart")
    assert javascript_errors(laptop) == []

    headers, body = fetch(laptop, stats_server["url"] + f"/admin/statistics.csv?from={year}-01-01&to={year}-12-31")
    assert headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert ["参与服务的志愿者", str(served)] == rows[[r[0] if r else "" for r in rows].index("参与服务的志愿者")][:2]
    assert [r for r in rows if r and r[0] == "余杭区 (330110)"][0][1:] == ["3", "3", "6.00", "3"]
    headers, body = fetch(laptop, stats_server["url"] + f"/admin/statistics.xlsx?from={year}-01-01&to={year}-12-31&region=330110")
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = xlsx_rows(body)
    assert sheet[0][3] == "余杭区 (330110)"
    assert [r for r in sheet if r and r[0] == "参与服务的志愿者"][0][1] == "3"

    # A bad period: a message beside the form, 400.
    laptop.get(stats_server["url"] + "/admin/statistics?from=2026-13-01")
    assert "yyyy-MM-dd" in laptop.find_element(By.ID, "statistics-error").text

    login(phone, stats_server, "admin", "admin-demo-2026")
    phone.get(stats_server["url"] + f"/admin/statistics?from={year}-01-01&to={year}-12-31")
    assert phone.find_element(By.ID, "chart-category").is_displayed()
    # The page fits the phone's width (tables scroll inside their own box).
    assert phone.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "statistics-admin-phone")


def test_public_open_data_suppresses_a_district_of_three(stats_server, laptop, phone):
    laptop.get(stats_server["url"] + "/")
    laptop.find_element(By.ID, "open-statistics-link").click()
    WebDriverWait(laptop, 30).until(lambda d: d.current_url.endswith("/statistics"))
    year = time.strftime("%Y")
    table = laptop.find_element(By.ID, f"open-districts-{year}")
    small = [row for row in table.find_elements(By.CSS_SELECTOR, "tbody tr") if "余杭区" in row.text][0]
    assert [cell.text for cell in small.find_elements(By.CSS_SELECTOR, "td")] == ["<5", "<5", "<5", "<5"]
    # The next smallest district is suppressed too (hours add up to the city's total).
    suppressed = [row for row in table.find_elements(By.CSS_SELECTOR, "tbody tr") if "<5" in row.text]
    assert len(suppressed) >= 2
    assert "少于 5 人" in laptop.find_element(By.ID, "open-method").text
    screenshot(laptop, "statistics-open")
    phone.get(stats_server["url"] + "/statistics")
    screenshot(phone, "statistics-open-phone")

    with urllib.request.urlopen(stats_server["url"] + "/statistics.json", timeout=30) as response:
        data = json.load(response)
    assert data["schemaVersion"] == 1
    period = [p for p in data["periods"] if p["year"] == int(year)][0]
    row = [r for r in period["byDistrict"] if r["key"] == "330110"][0]
    assert row["servedVolunteers"] is None and row["registeredVolunteers"] is None and row["hours"] is None
    assert set(row["suppressed"]) == {"registeredVolunteers", "servedVolunteers", "minutes", "hours", "records"}
    assert row["name"] == "余杭区"
    assert "document" not in json.dumps(data) and "phone" not in json.dumps(data)
    with urllib.request.urlopen(stats_server["url"] + "/statistics.csv", timeout=30) as response:
        rows = list(csv.DictReader(io.StringIO(response.read().decode("utf-8-sig"))))
    line = [r for r in rows if r["year"] == year and r["table"] == "district" and r["key"] == "330110"][0]
    assert line["served_volunteers"] == "<5" and line["hours"] == "<5"


def test_staff_see_their_own_organization(stats_server, laptop):
    login(laptop, stats_server, "org1-admin", "demo-2026")
    laptop.find_element(By.ID, "statistics-link").click()
    WebDriverWait(laptop, 30).until(lambda d: "/org/statistics" in d.current_url)
    year = time.strftime("%Y")
    laptop.get(stats_server["url"] + f"/org/statistics?from={year}-01-01&to={year}-12-31&region=330110")
    # The organization's own figures, whatever region is asked; no region to choose.
    assert "杭州市上城区阳光志愿者协会" in laptop.find_element(By.ID, "statistics-scope").text
    assert laptop.find_elements(By.ID, "statistics-region") == []
    districts = laptop.find_element(By.ID, "statistics-district").text
    assert "上城区 (330102)" in districts and "余杭区" not in districts
    # English
    laptop.get(stats_server["url"] + f"/org/statistics?from={year}-01-01&to={year}-12-31")
    laptop.find_element(By.LINK_TEXT, "English").click()
    WebDriverWait(laptop, 30).until(lambda d: "Volunteers who served" in d.page_source)
    assert "Shangcheng District (330102)" in laptop.find_element(By.ID, "statistics-district").text
    screenshot(laptop, "statistics-org-en")
