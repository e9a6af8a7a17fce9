"""A real `vledger serve` with the sample data on a random loopback port, and headless Chromium."""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, ".build", "screenshots")


def vledger_binary():
    path = os.environ.get("VLEDGER_BIN")
    if path:
        return path
    bin_dir = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(bin_dir, "vledger")


def launch_server(prefix):
    """`vledger serve` with the samples on a free loopback port, in a folder of its own."""
    folder = tempfile.mkdtemp(prefix=prefix)
    log = open(os.path.join(folder, "server.log"), "w+")
    # A free port chosen here, so that the QR codes' base URL (the server's own address) is the real one.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [vledger_binary(), "serve", "--port", str(port), "--database", f"sqlite:{folder}/vledger.sqlite", "--load-samples", "samples",
         # One-time codes (registration, a new phone) appear on /dev/outbox, as with `make run`.
         "--messages", "dev"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = None
    deadline = time.time() + 180
    while time.time() < deadline and url is None:
        time.sleep(0.5)
        log.seek(0)
        found = re.search(r"serving .* at (http://127\.0\.0\.1:\d+)/", log.read())
        if found:
            url = found.group(1)
        if process.poll() is not None:
            break
    if url is None:
        log.seek(0)
        process.kill()
        raise RuntimeError("vledger serve did not start:\n" + log.read()[-3000:])
    return {"url": url, "folder": folder, "process": process, "log": log}


def stop_server(server):
    server["process"].terminate()
    server["process"].wait(timeout=30)
    shutil.rmtree(server["folder"], ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    # Screenshots of failures from an earlier run would mislead.
    if os.path.isdir(SCREENSHOTS):
        for name in os.listdir(SCREENSHOTS):
            if name.startswith("FAILED-"):
                os.remove(os.path.join(SCREENSHOTS, name))
    launched = launch_server("vledger-browser-")
    yield launched
    stop_server(launched)


@pytest.fixture(scope="module")
def own_server():
    """A server for tests that change data at random (Schemathesis), apart from the pages' server."""
    launched = launch_server("vledger-schema-")
    yield launched
    stop_server(launched)


def make_driver(width, height, download_dir):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}",
                     "--lang=zh-CN"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": download_dir, "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def laptop(tmp_path):
    driver = make_driver(1280, 900, str(tmp_path))
    yield driver
    driver.quit()


@pytest.fixture
def phone(tmp_path):
    driver = make_driver(390, 844, str(tmp_path))
    yield driver
    driver.quit()


def screenshot(driver, name):
    os.makedirs(SCREENSHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))


def javascript_errors(driver):
    """Errors of scripts (not the 4xx answers of pages, which the browser logs as network errors)."""
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE" and entry.get("source") != "network"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A screenshot of the page where a test failed, beside the others."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for name in ("laptop", "phone"):
            driver = item.funcargs.get(name)
            if driver is not None:
                screenshot(driver, "FAILED-" + item.name)
