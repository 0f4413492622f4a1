"""Downloading the plan from the web widget in headless Chromium: the text file, and the .ics
file once check-in days are chosen (read back with the icalendar library)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from icalendar import Calendar
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from backcare.knowledge_base import load_knowledge_base
from backcare.plan import build_plan
from backcare.replies import plan_download_text
from launcher.stack import AssistantStack

from .browser import chromium, missing_browser

TIMEOUT = 60
CHAT_INPUT = (By.ID, "message-input")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser())),
]


def _say(driver, text: str) -> None:
    box = WebDriverWait(driver, TIMEOUT).until(EC.element_to_be_clickable(CHAT_INPUT))
    box.send_keys(text, Keys.ENTER)


def _links(driver, count: int) -> list:
    """The download links of the latest plan, once it has `count` of them."""

    def latest(d):
        groups = d.find_elements(By.CSS_SELECTOR, ".downloads")
        links = groups[-1].find_elements(By.CSS_SELECTOR, "a.download") if groups else []
        return links if len(links) == count else None

    return WebDriverWait(driver, TIMEOUT).until(latest)


def _download(link, folder: Path) -> str:
    """Click a link and return the text of the file it saves."""
    target = folder / link.get_attribute("download")
    link.click()
    deadline = time.monotonic() + TIMEOUT
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    return target.read_text(encoding="utf-8")


def test_plan_downloads_as_text_and_calendar(assistant: AssistantStack, tmp_path: Path) -> None:
    kb = load_knowledge_base()
    plan = build_plan(kb, "trimester_2", ["upper_back"])
    with chromium(width=420, height=900) as driver:
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
        )
        driver.get(f"{assistant.web_url}/?server={assistant.rasa_url}")
        _say(driver, "my upper back hurts and I'm in my second trimester")
        WebDriverWait(driver, TIMEOUT).until(
            lambda d: d.find_elements(By.XPATH, "//button[text()='Make me a plan']")
        )
        driver.find_element(By.XPATH, "//button[text()='Make me a plan']").click()
        (text_link,) = _links(driver, 1)
        assert text_link.text == "Download plan (text)"
        assert _download(text_link, tmp_path) == plan_download_text(kb, plan)

        _say(driver, "remind me")
        choice = "Monday, Wednesday and Friday at 19:00"
        WebDriverWait(driver, TIMEOUT).until(
            lambda d: d.find_elements(By.XPATH, f"//button[text()='{choice}']")
        )
        driver.find_element(By.XPATH, f"//button[text()='{choice}']").click()
        WebDriverWait(driver, TIMEOUT).until(
            lambda d: "I'll check in on" in d.find_element(By.ID, "messages").text
        )
        _say(driver, "show my plan")
        links = _links(driver, 2)
        assert [link.text for link in links] == ["Download plan (text)", "Add to calendar (.ics)"]
        (event,) = Calendar.from_ical(_download(links[1], tmp_path)).walk("VEVENT")
        assert event["rrule"]["BYDAY"] == ["MO", "WE", "FR"]
        assert str(event["description"]) == plan_download_text(kb, plan)
