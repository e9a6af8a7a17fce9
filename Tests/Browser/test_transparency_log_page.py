"""The public page of the transparency log: reached from the front page without an account, it shows the log's origin,
key and signed checkpoint as the log's own files serve them, the latest entries without personal data, and the
commands to check it from outside."""
import re
import urllib.request

from selenium.webdriver.common.by import By

from conftest import javascript_errors, screenshot
from test_web_pages import no_serious_accessibility_violations


def test_anyone_finds_the_log_and_what_it_takes_to_check_it(server, laptop):
    laptop.get(server["url"] + "/")
    laptop.find_element(By.ID, "log-link").click()
    assert laptop.current_url.endswith("/log")
    with urllib.request.urlopen(server["url"] + "/log/vkey", timeout=30) as response:
        vkey = response.read().decode().strip()
    with urllib.request.urlopen(server["url"] + "/log/checkpoint", timeout=30) as response:
        origin, size, root = response.read().decode().split("\n")[:3]
    assert laptop.find_element(By.ID, "log-key").text == vkey
    assert laptop.find_element(By.ID, "log-origin").text == origin
    # The page reads the checkpoint a moment later: the log may have grown meanwhile, never shrunk.
    assert int(laptop.find_element(By.ID, "log-size").text) >= int(size) > 2000
    assert re.fullmatch(r"[A-Za-z0-9+/]{43}=", laptop.find_element(By.ID, "log-root").text)
    rows = laptop.find_elements(By.CSS_SELECTOR, "#log-entries tbody tr")
    assert len(rows) == 12
    indexes = [int(row.find_elements(By.TAG_NAME, "td")[0].text) for row in rows]
    assert indexes == sorted(indexes, reverse=True) and indexes[0] == int(laptop.find_element(By.ID, "log-size").text) - 1
    page = laptop.page_source
    assert "vledger log monitor --url" in page and "--checkpoint cert.tlog-proof" in page
    # Only ids and digests: no volunteer names or document numbers from the sample data.
    assert not re.search(r"\d{17}[\dX]", laptop.find_element(By.ID, "log-entries").text)
    screenshot(laptop, "transparency-log")
    no_serious_accessibility_violations(laptop)
    assert javascript_errors(laptop) == []
