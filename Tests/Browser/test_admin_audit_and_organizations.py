"""The platform admin's organization list (paged, searchable by name, credit code and region) and the audit verification
run as a background job from /admin/audit, whose page shows the latest result without verifying again."""
import re

from selenium.webdriver.common.by import By

from conftest import javascript_errors, screenshot
from test_web_pages import login, no_serious_accessibility_violations, wait_until


def organization_names(driver):
    return [row.find_element(By.CSS_SELECTOR, "td").text
            for row in driver.find_elements(By.CSS_SELECTOR, "#organizations tbody tr") if row.find_elements(By.CSS_SELECTOR, "td + td")]


def search(driver, text="", region=""):
    box, region_box = driver.find_element(By.ID, "q"), driver.find_element(By.ID, "region")
    box.clear()
    box.send_keys(text)
    region_box.clear()
    region_box.send_keys(region)
    driver.find_element(By.CSS_SELECTOR, "#organization-search button[type=submit]").click()


def test_the_admin_searches_and_pages_the_organizations(server, laptop):
    url = server["url"]
    login(laptop, server, "admin", "admin-demo-2026")
    laptop.get(url + "/admin")
    assert len(organization_names(laptop)) == 4
    search(laptop, "志愿服务")
    wait_until(laptop, lambda d: "q=" in d.current_url)
    assert organization_names(laptop) == ["杭州市拱墅区和睦街道社区志愿服务中心", "杭州市滨江区红十字志愿服务队"]
    screenshot(laptop, "admin-organizations-search")
    no_serious_accessibility_violations(laptop)
    search(laptop, "51330106mj")  # the start of a credit code, in any case
    wait_until(laptop, lambda d: "51330106mj" in d.current_url)
    assert organization_names(laptop) == ["杭州西溪大学青年志愿者协会"]
    search(laptop, "", "33010")
    wait_until(laptop, lambda d: "region=33010" in d.current_url)
    assert len(organization_names(laptop)) == 4
    search(laptop, "协会", "330102")
    wait_until(laptop, lambda d: "region=330102" in d.current_url)
    assert organization_names(laptop) == ["杭州市上城区阳光志愿者协会"]
    search(laptop, "不存在的组织")
    wait_until(laptop, lambda d: "%E4%B8%8D" in d.current_url or "不存在" in d.current_url)
    assert organization_names(laptop) == []

    # A page after an id: the rest, with a link back to the first page.
    laptop.get(url + "/admin")
    first_id_page = url + "/admin?after=1"
    laptop.get(first_id_page)
    assert len(organization_names(laptop)) == 3
    laptop.find_element(By.ID, "organizations-first").click()
    wait_until(laptop, lambda d: "after=" not in d.current_url)
    assert len(organization_names(laptop)) == 4
    assert javascript_errors(laptop) == []


def test_bad_list_parameters_are_refused_with_a_clear_error(server, laptop):
    login(laptop, server, "admin", "admin-demo-2026")
    for query in ["after=-3", "after=99999999999999999999", "after=abc", "region=33a", "region=3301021", "q=" + "会" * 51]:
        laptop.get(server["url"] + "/admin?" + query)
        assert laptop.find_element(By.CSS_SELECTOR, ".error-page h1").text == "422", query
        assert laptop.find_element(By.CSS_SELECTOR, ".error-page [role=alert]").text != "", query
    screenshot(laptop, "admin-organizations-bad-page")
    laptop.get(server["url"] + "/admin")
    assert len(organization_names(laptop)) == 4


def test_the_audit_verification_runs_as_a_job_and_its_result_stays_on_the_page(server, laptop):
    url = server["url"]
    login(laptop, server, "admin", "admin-demo-2026")
    laptop.get(url + "/admin/audit")
    screenshot(laptop, "admin-audit-before")
    no_serious_accessibility_violations(laptop)
    laptop.find_element(By.CSS_SELECTOR, "input[name=mode][value=full]").click()
    laptop.find_element(By.ID, "audit-start-button").click()
    # The page reloads itself while the job runs, then shows the kept result.
    result = wait_until(laptop, lambda d: d.find_element(By.ID, "audit-result"), timeout=120)
    assert "完整" in result.text, result.text
    assert laptop.find_element(By.ID, "audit-chains").text == "4"
    revisions = int(laptop.find_element(By.ID, "audit-revisions").text)
    assert revisions > 0
    assert "完整" in laptop.find_element(By.ID, "audit-latest-mode").text
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", laptop.find_element(By.ID, "audit-finished-at").text)
    screenshot(laptop, "admin-audit-result")
    no_serious_accessibility_violations(laptop)

    # An incremental verification right after reads nothing that has not changed.
    laptop.find_element(By.CSS_SELECTOR, "input[name=mode][value=incremental]").click()
    laptop.find_element(By.ID, "audit-start-button").click()
    wait_until(laptop, lambda d: "增量" in d.find_element(By.ID, "audit-latest-mode").text, timeout=120)
    assert laptop.find_element(By.ID, "audit-rows-read").text == "0"
    assert laptop.find_element(By.ID, "audit-chains").text == "4"
    # Reading the page again verifies nothing: the same result, the same time.
    finished = laptop.find_element(By.ID, "audit-finished-at").text
    laptop.get(url + "/admin/audit")
    assert laptop.find_element(By.ID, "audit-finished-at").text == finished
    assert javascript_errors(laptop) == []
