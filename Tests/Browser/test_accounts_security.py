"""Accounts and security (issue 30): the platform admins' security log lists sign-ins made in the browser with the
client address and the browser's user agent, filters them by event kind, account and days, refuses bad filters
beside their field, and exports the same selection as CSV."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import javascript_errors, screenshot
from test_web_pages import login, no_serious_accessibility_violations, wait_until


def log_rows(driver):
    return [(row.get_attribute("data-kind"), [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")])
            for row in driver.find_elements(By.CSS_SELECTOR, "#security-log tbody tr")]


def test_sign_ins_appear_in_the_security_log_filtered_and_exported(own_server, laptop):
    url = own_server["url"]
    # A wrong password first: refused, and logged.
    laptop.get(url + "/login")
    laptop.find_element(By.ID, "username").send_keys("admin")
    laptop.find_element(By.ID, "password").send_keys("not-the-password")
    laptop.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type=submit]").click()
    wait_until(laptop, lambda d: d.find_element(By.CSS_SELECTOR, "[role=alert]"))
    login(laptop, own_server, "admin", "admin-demo-2026")

    laptop.get(url + "/admin/security-log?account=admin")
    rows = log_rows(laptop)
    kinds = [kind for kind, _ in rows]
    assert kinds[:2] == ["sign-in-succeeded", "sign-in-failed"], kinds
    succeeded, failed = rows[0][1], rows[1][1]
    assert succeeded[2].startswith("admin") and "127.0.0.1" in succeeded[4], succeeded
    assert "Chrome" in succeeded[5], succeeded
    assert failed[6] == "wrong-password", failed
    assert succeeded[3] == "", succeeded  # the account itself acted: no "by"
    assert "登录成功" in succeeded[1] and "登录失败" in failed[1]
    screenshot(laptop, "admin-security-log")
    no_serious_accessibility_violations(laptop)

    # Filtering by kind through the form keeps the account.
    Select(laptop.find_element(By.ID, "security-log-kind")).select_by_value("sign-in-failed")
    laptop.find_element(By.ID, "security-log-search").click()
    wait_until(laptop, lambda d: "kind=sign-in-failed" in d.current_url)
    assert [kind for kind, _ in log_rows(laptop)] == ["sign-in-failed"]
    assert laptop.find_element(By.ID, "security-log-account").get_attribute("value") == "admin"

    # The CSV link exports the same selection (fetched by the signed-in browser).
    csv_href = laptop.find_element(By.ID, "security-log-csv").get_attribute("href")
    assert "kind=sign-in-failed" in csv_href and "account=admin" in csv_href
    text = laptop.execute_async_script(
        "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);", csv_href)
    lines = [line for line in text.splitlines() if line]
    assert len(lines) == 2 and "sign-in-failed" in lines[1] and ",admin," in lines[1], lines

    # Days before the start: the error beside the field, no rows.
    laptop.get(url + "/admin/security-log?from=2026-06-10&to=2026-06-01")
    assert laptop.find_element(By.ID, "to-error").text != ""
    assert log_rows(laptop) == []
    laptop.get(url + "/admin/security-log?kind=sign-in-maybe")
    assert "sign-in-maybe" in laptop.find_element(By.ID, "kind-error").text
    screenshot(laptop, "admin-security-log-bad-filter")
    assert javascript_errors(laptop) == []


def test_only_platform_admins_see_the_security_log(own_server, laptop):
    login(laptop, own_server, "inspector1")
    laptop.get(own_server["url"] + "/admin/security-log")
    assert laptop.find_elements(By.ID, "security-log") == []
    assert laptop.find_element(By.CSS_SELECTOR, ".error-page h1").text == "403"
