"""Roster import (花名册导入) in a real browser: staff upload a 500-row roster saved by Excel (GBK) with one bad row, see it
refused whole with the row named, fix the row, import it, and find the people in the volunteers list."""
import os

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import javascript_errors, screenshot
from test_web_pages import login, no_serious_accessibility_violations, resident_id

HEADER = "姓名,证件类型,证件号码,性别,出生日期,手机号码,居住区域,技能特长,服务类别\r\n"
BAD_LINE = 251


def roster(tmp_path, name, bad, birth="19770707", prefix="花名册"):
    """500 people born on `birth`; with `bad`, line 251 (row 250) carries a document number whose check character is
    wrong."""
    lines = [HEADER]
    for n in range(500):
        number = resident_id("110105" + birth + f"{n:03d}")
        if bad and n + 2 == BAD_LINE:
            number = number[:-1] + ("0" if number[-1] != "0" else "1")
        lines.append(f"{prefix}{n:03d},居民身份证,{number},,,1390000{n:04d},朝阳区,急救、摄影,社区服务\r\n")
    path = os.path.join(str(tmp_path), name)
    with open(path, "wb") as file:
        file.write("".join(lines).encode("gbk"))
    return path


def finished(driver, timeout=180):
    """The job page once the import is done: its errors or its result."""
    def done(d):
        for element_id in ("import-errors", "import-result", "import-error"):
            found = d.find_elements(By.ID, element_id)
            if found:
                return element_id, found[0].text
        return None
    return WebDriverWait(driver, timeout, ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]).until(done)


def test_staff_import_a_roster_refused_whole_then_fixed(server, laptop, phone, tmp_path):
    url = server["url"]
    login(laptop, server, "org1-admin")
    laptop.get(url + "/org/volunteers")
    laptop.find_element(By.ID, "roster-import-link").click()
    assert laptop.current_url.endswith("/org/volunteers/import")
    assert laptop.find_element(By.ID, "roster-template-xlsx").get_attribute("href").endswith("/org/volunteers/import/template.xlsx")
    screenshot(laptop, "roster-import")

    # One bad row: nothing is imported, the row is named with its column and what was read.
    laptop.find_element(By.ID, "file").send_keys(roster(tmp_path, "花名册-有误.csv", bad=True))
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    kind, text = finished(laptop)
    assert kind == "import-errors", text
    assert "/org/volunteers/import/jobs/" in laptop.current_url
    rows = laptop.find_elements(By.CSS_SELECTOR, "#import-errors tbody tr")
    assert len(rows) == 1
    cells = [cell.text for cell in rows[0].find_elements(By.TAG_NAME, "td")]
    assert cells[0] == str(BAD_LINE) and cells[1] == "证件号码", cells
    assert "1101051977070724" in cells[2], cells
    screenshot(laptop, "roster-import-refused")
    laptop.get(url + "/org/volunteers?q=花名册")
    assert "花名册000" not in laptop.page_source

    # Fixed: all 500 are registered and members.
    laptop.get(url + "/org/volunteers/import")
    laptop.find_element(By.ID, "file").send_keys(roster(tmp_path, "花名册.csv", bad=False))
    laptop.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    kind, text = finished(laptop)
    assert kind == "import-result", text
    assert laptop.find_element(By.ID, "roster-registered").text == "500"
    assert laptop.find_element(By.ID, "roster-already").text == "0"
    screenshot(laptop, "roster-import-done")
    no_serious_accessibility_violations(laptop)
    assert javascript_errors(laptop) == []

    laptop.get(url + "/org/volunteers?q=花名册")
    listed = laptop.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(listed) == 100, "a search lists its first hundred"
    assert "花名册000" in laptop.page_source and "花名册099" in laptop.page_source
    # Personal data stays masked in the list.
    assert "11010519770707000" not in laptop.page_source
    laptop.get(url + "/org/volunteers?q=花名册499")
    assert "花名册499" in laptop.page_source

    # The same file again, at phone size: everyone is a member already, noted and not an error.
    login(phone, server, "org1-admin")
    phone.get(url + "/org/volunteers/import")
    phone.find_element(By.ID, "file").send_keys(roster(tmp_path, "花名册-再次.csv", bad=False))
    phone.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]").click()
    kind, text = finished(phone)
    assert kind == "import-result", text
    assert phone.find_element(By.ID, "roster-already").text == "500"
    assert "没有新的志愿者" in text
    notice = phone.find_element(By.CSS_SELECTOR, "#import-notices tbody tr").text
    assert "花名册000" in notice and "已是本组织成员" in notice and "already" not in notice, notice
    assert len(phone.find_elements(By.CSS_SELECTOR, "#import-notices tbody tr")) == 100
    screenshot(phone, "roster-import-phone")
    assert javascript_errors(phone) == []


def test_the_roster_page_in_english(server, laptop):
    url = server["url"]
    login(laptop, server, "org1-staff")
    laptop.get(url + "/lang/en?next=/org/volunteers/import")
    laptop.get(url + "/org/volunteers/import")
    assert laptop.find_element(By.TAG_NAME, "h1").text == "Import a roster"
    assert laptop.find_element(By.ID, "roster-template-csv").text == "Download the template (CSV)"
    assert "format the document number column as text" in laptop.page_source
    screenshot(laptop, "roster-import-english")
    no_serious_accessibility_violations(laptop)
    laptop.get(url + "/lang/zh?next=/org/volunteers")
