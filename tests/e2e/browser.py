"""Headless Chromium for the browser tests (Debian's chromium + chromedriver, no downloads), and
axe-core (from npm, web/node_modules) to check a page's accessibility."""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "web/node_modules/axe-core/axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def missing_browser() -> str | None:
    """Return why the browser cannot start (for pytest.skip), or None if it can."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        return (
            f"{' and '.join(missing)} not found; "
            "install with: apt-get install -y chromium chromium-driver"
        )
    return None


@contextmanager
def chromium(width: int = 1024, height: int = 900) -> Iterator[webdriver.Chrome]:
    """Start headless Chromium with a fresh profile; quit it and delete the profile afterwards."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def emulate_screen(driver: webdriver.Chrome, width: int, height: int) -> None:
    """Lay the page out as on a phone `width` CSS pixels wide (a headless window cannot be
    narrower than 500 px)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
    )


def emulate_reduced_motion(driver: webdriver.Chrome, reduce: bool) -> None:
    """Set the page's prefers-reduced-motion media feature."""
    value = "reduce" if reduce else "no-preference"
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": value}]},
    )


def axe_violations(driver: webdriver.Chrome, impacts: tuple[str, ...]) -> list[dict]:
    """Run axe-core on the current page; its violations with one of `impacts`, each with the
    rule id, the impact, the help text and the offending elements' HTML."""
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    results = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(done, (error) => done({error: String(error)}));"
    )
    if "error" in results:
        raise RuntimeError(f"axe-core failed: {results['error']}")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["html"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]
