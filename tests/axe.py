"""axe-core in Debian's headless Chromium, driven by Selenium through Debian's chromium-driver.

scripts/setup.sh installs both packages and axe-core from its npm package
(pinned in package.json, into the checkout's node_modules/). :func:`axe_violations`
opens a report's HTML as a reader would, at a window width, lets its charts
draw, injects axe-core and runs the WCAG 2.0 and 2.1 A and AA rules (and
axe's best practices): every violation, of any impact, comes back.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The rule sets run: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

needs_axe = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("chromedriver") is None or not AXE.is_file(),
    reason="chromium, chromium-driver or axe-core (node_modules) missing: run scripts/setup.sh")


class Browser:
    """One headless Chromium for a test module; :meth:`axe` per page and width."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="via-reports-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--hide-scrollbars", "--disable-dev-shm-usage", f"--user-data-dir={self.profile}"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
        self.driver.set_script_timeout(300)
        self.driver.set_page_load_timeout(300)

    def open(self, page: Path, width: int, height: int = 900) -> None:
        self.driver.set_window_size(width, height)
        self.driver.get(page.resolve().as_uri())
        # the charts are drawn once vega-embed has run: wait for every chart's SVG
        self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const start = Date.now();
            (function wait() {
              const charts = document.querySelectorAll('.chart');
              const drawn = [...charts].every(c => c.querySelector('svg, canvas'));
              if ((drawn && document.readyState === 'complete') || Date.now() - start > 60000) done(true);
              else setTimeout(wait, 100);
            })();""")

    def axe(self, page: Path, width: int) -> list[dict]:
        """Every axe-core violation on ``page`` at ``width`` px: rule id, impact, help and the nodes' targets."""
        self.open(page, width)
        self.driver.execute_script(AXE.read_text(encoding="utf-8"))
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
            ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify({error: String(e)})));"
            % json.dumps(TAGS))
        violations = json.loads(result)
        if isinstance(violations, dict):
            raise RuntimeError(violations["error"])
        return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"]]}
                for v in violations]

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
