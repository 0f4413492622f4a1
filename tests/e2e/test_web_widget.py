"""End-to-end: the web chat page (web/) in headless Chromium against real Rasa + action servers:
a conversation, accessibility (axe-core, keyboard, reduced motion), a 360 px wide screen,
"New chat", and a dropped connection that comes back."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver, WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from launcher.settings import REPO_ROOT
from launcher.stack import AssistantStack

from .browser import (
    axe_violations,
    chromium,
    emulate_reduced_motion,
    emulate_screen,
    missing_browser,
)

REPLY_TIMEOUT = 60
RECONNECT_TIMEOUT = 60  # socket.io retries at most every 5 s once the server is back
SESSION_KEY = "backcare-chat-session-id"
CHAT_INPUT = (By.ID, "message-input")
GREETING = re.compile(r"\b(hi|hello|hey|welcome)\b", re.IGNORECASE)
DISCLAIMER = "isn't medical advice"  # the first answer of every conversation says it
PHONE_WIDTH, PHONE_HEIGHT = 360, 740
RESULTS_DIR = REPO_ROOT / "var" / "test-results"

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


@pytest.fixture
def phone() -> Iterator[WebDriver]:
    """Headless Chromium laying pages out on a screen 360 CSS pixels wide."""
    with chromium() as browser:
        emulate_screen(browser, PHONE_WIDTH, PHONE_HEIGHT)
        yield browser


def _open(driver: WebDriver, assistant: AssistantStack) -> None:
    """Open the widget on the assistant's server and wait until it is connected."""
    driver.get(f"{assistant.web_url}/?server={assistant.rasa_url}")
    WebDriverWait(driver, REPLY_TIMEOUT).until(EC.element_to_be_clickable(CHAT_INPUT))


def _status(driver: WebDriver) -> tuple[str, str]:
    """The connection status line: (its state, its text)."""
    line = driver.find_element(By.ID, "status")
    return line.get_attribute("data-state"), line.text


def _session_id(driver: WebDriver) -> str | None:
    return driver.execute_script(f"return localStorage.getItem('{SESSION_KEY}')")


def _press(driver: WebDriver, *keys: str, shift: bool = False) -> dict:
    """Press keys on the page like a keyboard user (holding Shift if asked); describe the
    element that has the focus then: its id, class, text, whether :focus-visible matches and
    its outline."""
    actions = ActionChains(driver)
    if shift:
        actions.key_down(Keys.SHIFT).send_keys(*keys).key_up(Keys.SHIFT)
    else:
        actions.send_keys(*keys)
    actions.perform()
    return driver.execute_script(
        """const el = document.activeElement, style = getComputedStyle(el);
        return {id: el.id, cls: el.className, text: el.textContent,
                focusVisible: el.matches(':focus-visible'),
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};"""
    )


def _assert_focus_visible(focused: dict) -> None:
    assert focused["focusVisible"], f"no keyboard focus style on {focused}"
    assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, focused


def _texts(driver: WebDriver, sender: str) -> list[str]:
    """Texts of the chat bubbles from sender ("bot" or "user"), oldest first."""
    return [el.text for el in driver.find_elements(By.CSS_SELECTOR, f".msg-{sender} .bubble")]


def _say(driver: WebDriver, text: str) -> int:
    """Type text into the chat box and press Enter; return how many bot messages came before."""
    box = WebDriverWait(driver, REPLY_TIMEOUT).until(EC.element_to_be_clickable(CHAT_INPUT))
    before = len(_texts(driver, "bot"))
    box.send_keys(text, Keys.ENTER)
    return before


def _quick_replies_after(driver: WebDriver, before: int) -> list[WebElement]:
    """The quick replies of the bot messages after the first `before` (the previous answer's
    buttons may still be on the page for a moment after a message is sent)."""
    return [
        button
        for item in driver.find_elements(By.CSS_SELECTOR, ".msg-bot")[before:]
        for button in item.find_elements(By.CSS_SELECTOR, ".quick-reply")
    ]


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

        before = _say(driver, "I want exercises for back pain")
        buttons = WebDriverWait(driver, REPLY_TIMEOUT).until(
            lambda d: _quick_replies_after(d, before),
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


def test_widget_is_accessible_by_keyboard_and_fits_a_360px_screen(
    assistant: AssistantStack, phone: WebDriver, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the assistant is and is not; every control by keyboard with a visible focus; a
    quick reply chosen by keyboard; axe-core finds nothing serious; nothing wider than 360 px."""
    _open(phone, assistant)
    note = phone.find_element(By.CLASS_NAME, "chat-note").text
    for statement in ("automated assistant, not a person", "not medical advice", "emergency"):
        assert statement in note

    # Tab from the top of the page goes through every control, each with a visible focus
    phone.execute_script("document.activeElement.blur()")
    tab_order = [_press(phone, Keys.TAB) for _ in range(4)]
    assert [focused["id"] or focused["cls"] for focused in tab_order] == [
        "new-chat",
        "chat-main",
        "message-input",
        "send",
    ]
    for focused in tab_order:
        _assert_focus_visible(focused)

    assert _press(phone, Keys.TAB, shift=True)["id"] == "message-input"
    _press(phone, "I want exercises for back pain", Keys.ENTER)
    WebDriverWait(phone, REPLY_TIMEOUT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".quick-replies .quick-reply"),
        message="no quick-reply buttons",
    )
    live = "return document.getElementById('messages').closest('[aria-live]')"
    assert phone.execute_script(live + ".getAttribute('aria-live')") == "polite"
    violations = axe_violations(phone, impacts=("serious", "critical"))
    assert not violations, violations

    # Shift+Tab from the message box reaches the last quick reply; Space chooses it
    focused = _press(phone, Keys.TAB, shift=True)
    assert "quick-reply" in focused["cls"], focused
    _assert_focus_visible(focused)
    before = len(_texts(phone, "bot"))
    after_choice = _press(phone, Keys.SPACE)
    assert after_choice["id"] == "message-input", "the focus stays in the chat"
    WebDriverWait(phone, 5).until(  # the new bubble fades in: its text shows once visible
        lambda d: _texts(d, "user")[-1] == focused["text"],
        message=f"the chosen reply {focused['text']!r} is not shown as sent",
    )
    _wait_for_bot(phone, before, lambda new: any(t.strip() for t in new), "any text")

    layout = phone.execute_script(
        """const controls = [...document.querySelectorAll('button, input, #status')];
        return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
                outside: controls.filter((el) => { const box = el.getBoundingClientRect();
                  return box.left < 0 || box.right > window.innerWidth; })
                  .map((el) => el.outerHTML.slice(0, 80))};"""
    )
    assert layout["inner"] == PHONE_WIDTH
    assert layout["scroll"] <= PHONE_WIDTH, f"the page scrolls sideways: {layout}"
    assert not layout["outside"], layout
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    screenshot = RESULTS_DIR / "web_widget_360px.png"
    assert phone.save_screenshot(str(screenshot))
    with capsys.disabled():
        print(f"\n360 px screenshot: {screenshot}")


def test_reduced_motion_turns_off_animation(assistant: AssistantStack, phone: WebDriver) -> None:
    _open(phone, assistant)
    _say(phone, "hi")
    animation = "return getComputedStyle(document.querySelector('.msg')).animationName"
    emulate_reduced_motion(phone, reduce=False)
    assert phone.execute_script(animation) == "msg-in"
    emulate_reduced_motion(phone, reduce=True)
    assert phone.execute_script(animation) == "none"


def test_new_chat_starts_a_fresh_conversation(assistant: AssistantStack, driver: WebDriver) -> None:
    _open(driver, assistant)
    before = _say(driver, "hi")
    _wait_for_bot(driver, before, lambda new: DISCLAIMER in " ".join(new), "the disclaimer")
    first_session = _session_id(driver)

    driver.find_element(By.ID, "new-chat").click()
    assert not driver.find_elements(By.CSS_SELECTOR, ".msg"), "the old messages are gone"
    WebDriverWait(driver, REPLY_TIMEOUT).until(
        lambda d: d.switch_to.active_element.get_attribute("id") == "message-input",
        message="the message box gets the focus once the new session is ready",
    )
    assert _session_id(driver) not in (None, first_session)
    before = _say(driver, "hi")
    _wait_for_bot(driver, before, lambda new: DISCLAIMER in " ".join(new), "a new disclaimer")


def test_widget_shows_a_dropped_connection_and_carries_on_after_it(
    assistant: AssistantStack, driver: WebDriver
) -> None:
    _open(driver, assistant)
    before = _say(driver, "hi")
    _wait_for_bot(driver, before, lambda new: GREETING.search(" ".join(new)), "a greeting")
    session = _session_id(driver)
    assert _status(driver) == ("online", "Connected")

    assistant.stop_server("rasa")
    try:
        WebDriverWait(driver, 30).until(
            lambda d: _status(d)[0] == "offline", message="the drop is not shown"
        )
        assert "Connection lost" in _status(driver)[1]
        assert not driver.find_element(*CHAT_INPUT).is_enabled()
    finally:
        if "rasa" not in assistant.processes:
            assistant.start_rasa_server()

    WebDriverWait(driver, RECONNECT_TIMEOUT).until(
        lambda d: _status(d)[0] == "online", message=f"not reconnected: {_status(driver)}"
    )
    assert "Reconnected" in _status(driver)[1]
    assert _session_id(driver) == session, "the same conversation goes on"
    before = _say(driver, "how do I do wall angels?")
    _wait_for_bot(driver, before, lambda new: "wall" in " ".join(new).lower(), "'wall'")
    said = [event.get("text") for event in assistant.tracker(session)["events"]]
    assert "hi" in said and "how do I do wall angels?" in said
