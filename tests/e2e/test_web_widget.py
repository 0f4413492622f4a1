"""End-to-end: the web chat page (web/) in headless Chromium against real Rasa + action servers."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from .browser import chromium, missing_browser

REPLY_TIMEOUT = 60
SESSION_KEY = "backcare-chat-session-id"
CHAT_INPUT = (By.ID, "message-input")
GREETING = re.compile(r"\b(hi|hello|hey|welcome)\b", re.IGNORECASE)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.e2e,
    pytest.mark.skipif(missing_browser() is not None, reason=str(missing_browser())),
]


@pytest.fixture
def driver() -> Iterator[WebDriver]:
    """A phone-sized headless Chromium window."""
    with chromium(width=420, height=900) as browser:
        yield browser


def _texts(driver: WebDriver, sender: str) -> list[str]:
    """Texts of the chat bubbles from sender ("bot" or "user"), oldest first."""
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, f".msg-{sender} .bubble")]


def _say(driver: WebDriver, text: str) -> int:
    """Type text into the chat box and press Enter; return how many bot messages came before."""
    box = WebDriverWait(driver, REPLY_TIMEOUT).until(EC.element_to_be_clickable(CHAT_INPUT))
    before = len(_texts(driver, "bot"))
    box.send_keys(text, Keys.ENTER)
    return before


def _wait_for_bot(
    driver: WebDriver, before: int, condition: Callable[[list[str]], object], expected: str
) -> list[str]:
    """Wait until the bot messages after the first `before` satisfy condition; return them."""
    try:
        WebDriverWait(driver, REPLY_TIMEOUT).until(lambda d: condition(_texts(d, "bot")[before:]))
    except TimeoutException:
        pytest.fail(
            f"no bot reply with {expected} in {REPLY_TIMEOUT}s; got {_texts(driver, 'bot')}"
        )
    return _texts(driver, "bot")[before:]


def test_chat_page_greets_answers_and_offers_quick_replies(
    assistant, driver: WebDriver, tmp_path: Path
) -> None:
    """Greeting, a how-to answer, quick-reply buttons and session persistence in a real browser."""
    driver.get(f"{assistant.web_url}/?server={assistant.rasa_url}")
    try:
        assert "Back pain in pregnancy" in driver.title
        assert "not medical advice" in driver.find_element(By.CLASS_NAME, "chat-note").text

        before = _say(driver, "hi")
        replies = _wait_for_bot(driver, before, lambda new: any(t.strip() for t in new), "any text")
        assert replies[0].strip() and replies[0].strip().lower() != "hi"
        _wait_for_bot(driver, before, lambda new: GREETING.search(" ".join(new)), "a greeting")
        assert _texts(driver, "user") == ["hi"]

        before = _say(driver, "how do I do wall angels?")
        _wait_for_bot(driver, before, lambda new: "wall" in " ".join(new).lower(), "'wall'")

        _say(driver, "I want exercises for back pain")
        buttons = WebDriverWait(driver, REPLY_TIMEOUT).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".quick-replies .quick-reply"),
            message="no quick-reply buttons after 'I want exercises for back pain'",
        )
        choice = buttons[0].text
        assert choice
        before = len(_texts(driver, "bot"))
        buttons[0].click()
        _wait_for_bot(driver, before, lambda new: any(t.strip() for t in new), "any text")
        assert _texts(driver, "user")[-1] == choice
    finally:
        driver.save_screenshot(str(tmp_path / "web_widget.png"))

    session_id = driver.execute_script(f"return localStorage.getItem('{SESSION_KEY}')")
    assert session_id
    driver.refresh()
    WebDriverWait(driver, REPLY_TIMEOUT).until(EC.element_to_be_clickable(CHAT_INPUT))
    assert driver.execute_script(f"return localStorage.getItem('{SESSION_KEY}')") == session_id
