"""``briefing preview`` in a real browser: Debian's Chromium, headless, driven by Selenium.

Chromium and its driver come from ``scripts/setup.sh --test`` (``chromium``,
``chromium-driver``); Selenium is told where they are, so it downloads nothing.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_example
from preview_process import LETTER, OTHER, Running, replace
from pypdf import PdfReader

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason="Chromium missing: bash scripts/setup.sh --test installs chromium and chromium-driver",
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("preview-browser"))


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[Running]:
    running = Running(project)
    yield running
    running.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(browser, script: str, *args, timeout: float = 60):
    """The value of ``script`` (given ``args``) once it is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(script, *args)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.05)


def shown_version(browser) -> int:
    return int(browser.execute_script("return document.body.dataset.version || '-1'"))


def open_letter(browser, server: Running, name: str = LETTER) -> None:
    browser.get(f"{server.url}?brief={name}")
    wait(browser, "return document.body.dataset.version")


def test_the_page_shows_the_letters_pages(browser, server: Running, project: Path, tmp_path: Path) -> None:
    open_letter(browser, server)
    pages = len(PdfReader(project / "output" / f"{LETTER}.pdf").pages)
    images = browser.find_elements(By.CSS_SELECTOR, "#paginas img.blad")
    assert len(images) == pages == 3
    # Every image is loaded and drawn at the page's size (A4 in CSS pixels).
    sizes = browser.execute_script(
        "return [...document.querySelectorAll('#paginas img.blad')]"
        ".map(i => [i.complete, i.naturalWidth, i.alt])")
    assert sizes == [[True, 794, f"pagina {n} van 3"] for n in range(1, 4)]
    # Page 1's emblem in colour, laid over the grey page where it belongs (top, in the middle).
    (colour,) = browser.find_elements(By.CSS_SELECTOR, "#paginas img.kleur")
    sheet = browser.find_element(By.CSS_SELECTOR, ".pagina:first-child img.blad")
    assert browser.execute_script("return arguments[0].closest('.pagina') === arguments[1].closest('.pagina')"
                                  " && arguments[0].naturalWidth > 0", colour, sheet)
    assert colour.rect["y"] == sheet.rect["y"]
    across = (colour.rect["x"] - sheet.rect["x"]) / sheet.rect["width"]
    assert 0.3 < across < 0.6
    # The list of letters, this one marked; the downloads.
    links = browser.find_elements(By.CSS_SELECTOR, "#brieven a")
    assert [a.text for a in links] == sorted(p.stem for p in (ROOT / "facts").glob("[!_]*.yaml"))
    assert browser.find_element(By.CSS_SELECTOR, "#brieven a[aria-current=page]").text == LETTER
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")]
    assert hrefs == [f"{server.url}download/{LETTER}.pdf", f"{server.url}download/{LETTER}.docx"]
    assert not browser.find_element(By.ID, "problemen").is_displayed()
    shot = tmp_path / "preview.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000

    # Switching to the other letter shows its pages, without reloading the page.
    browser.execute_script("window.zelfdePagina = true")
    links[1].click()
    wait(browser, f"return document.title.startsWith('{OTHER}') && document.body.dataset.version")
    other = len(PdfReader(project / "output" / f"{OTHER}.pdf").pages)
    wait(browser, f"return document.querySelectorAll('#paginas img.blad').length === {other}")
    assert browser.execute_script("return window.zelfdePagina") is True
    assert browser.current_url.endswith(f"?brief={OTHER}")


def test_a_saved_fact_updates_the_page_without_reload(browser, server: Running, project: Path) -> None:
    open_letter(browser, server)
    facts = project / "facts" / "_armenie.yaml"  # the letter's figures, shared with the answers
    browser.execute_script("window.zelfdePagina = true; window.scrollTo(0, 1500)")
    wait(browser, "return window.scrollY === 1500")
    before = shown_version(browser)
    src = browser.find_element(By.CSS_SELECTOR, "#paginas img.blad").get_attribute("src")
    replace(facts, "armeense_soldaten: 207", "armeense_soldaten: 210")
    wait(browser, f"return Number(document.body.dataset.version) > {before}"
                  " && document.querySelector('#feitenlijst li') !== null")
    # No reload (the script's variable is still there), the same scroll position, new images.
    assert browser.execute_script("return window.zelfdePagina") is True
    assert browser.execute_script("return window.scrollY") == 1500
    assert browser.find_element(By.CSS_SELECTOR, "#paginas img.blad").get_attribute("src") != src
    # The change panel names the fact and shows the changed sentence.
    fact = browser.find_element(By.CSS_SELECTOR, "#feitenlijst li").text
    assert fact == "armenie.slachtoffers.armeense_soldaten: 207 → 210"
    sentence = browser.find_element(By.CSS_SELECTOR, "#secties li")
    assert sentence.find_element(By.TAG_NAME, "del").text == "207"
    assert sentence.find_element(By.TAG_NAME, "ins").text == "210"
    assert "Armeense soldaten" in sentence.text
    # …and the page marks where the new figure is; a click on the sentence brings it into view.
    (mark,) = browser.find_elements(By.CSS_SELECTOR, ".pagina:first-child .markering")
    browser.execute_script("window.scrollTo(0, 2500)")
    sentence.click()
    wait(browser, "const r = arguments[0].getBoundingClientRect();"
                  " return r.top > 0 && r.bottom < window.innerHeight", mark, timeout=10)
    browser.execute_script("window.scrollTo(0, 1500)")
    # A page opened afterwards shows the same.
    browser.refresh()
    wait(browser, "return document.querySelector('#feitenlijst li')")
    assert browser.find_element(By.CSS_SELECTOR, "#feitenlijst li").text == fact


def test_a_broken_template_shows_its_place_above_the_last_good_pages(browser, server: Running,
                                                                    project: Path) -> None:
    open_letter(browser, server)
    template = project / "templates" / f"{LETTER}.md.j2"
    replace(template, "{{ verzoek.door }}", "{{ verzoek.doorr }}")
    try:
        wait(browser, "return document.querySelector('#probleemlijst li')")
        problem = browser.find_element(By.CSS_SELECTOR, "#probleemlijst li")
        expected = f"templates/{LETTER}.md.j2:3: onbekend feit 'verzoek.doorr' (bedoelde u 'door'?)"
        assert problem.text == expected
        link = problem.find_element(By.TAG_NAME, "a")
        assert link.get_attribute("href") == f"vscode://file{template.as_posix()}:3"
        assert browser.find_element(By.ID, "problemen").is_displayed()
        assert len(browser.find_elements(By.CSS_SELECTOR, "#paginas img.blad")) == 3  # the last good pages
        # The list of letters marks the one with problems.
        wait(browser, "return document.querySelector('#brieven a[aria-current=page]').className === 'fout'")
        assert browser.find_element(By.CSS_SELECTOR, f"#brieven a[href='?brief={OTHER}']").get_attribute(
            "class") == ""
    finally:
        replace(template, "{{ verzoek.doorr }}", "{{ verzoek.door }}")
    wait(browser, "return document.getElementById('problemen').hidden")
    assert not browser.find_element(By.ID, "problemen").is_displayed()
    wait(browser, "return document.querySelector('#brieven a[aria-current=page]').className === ''")


def test_text_from_facts_is_never_html(browser, server: Running, project: Path) -> None:
    open_letter(browser, server)
    facts = project / "facts" / f"{LETTER}.yaml"
    before = shown_version(browser)
    sneaky = "<img id=binnengesmokkeld src=x onerror=window.geraakt=1><b>vet</b>"
    replace(facts, "door: de vaste commissie voor Buitenlandse Zaken", f'door: "{sneaky}"')
    try:
        wait(browser, f"return Number(document.body.dataset.version) > {before}"
                      " && document.querySelector('#feitenlijst li') !== null")
        panel = browser.find_element(By.ID, "wijzigingen")
        assert sneaky in panel.text  # shown as the characters it is
        assert browser.find_elements(By.ID, "binnengesmokkeld") == []
        assert panel.find_elements(By.CSS_SELECTOR, "#secties b, #feitenlijst b") == []
        assert browser.execute_script("return window.geraakt") is None
    finally:
        replace(facts, f'door: "{sneaky}"', "door: de vaste commissie voor Buitenlandse Zaken")


def test_a_path_out_of_the_project_is_not_found(browser, server: Running) -> None:
    for path in ("../../etc/passwd", "static/..%2f..%2f..%2fetc%2fpasswd", "download/..%2ffacts%2fx.pdf"):
        browser.get(server.url + path)
        assert "niet gevonden" in browser.find_element(By.TAG_NAME, "body").text
        assert "root:" not in browser.page_source
    # And the status is 404 (what a browser's fetch sees).
    status = browser.execute_async_script(
        "const done = arguments[0]; fetch('/../../etc/passwd').then(r => done(r.status))")
    assert status == 404


def test_a_problem_that_quotes_html_shows_it_as_text(browser, server: Running, project: Path) -> None:
    open_letter(browser, server)
    template = project / "templates" / f"{LETTER}.md.j2"
    replace(template, "{{ verzoek.door }}", "<b id=vetgedrukt>{{ verzoek.door }}</b>")
    try:
        wait(browser, "return document.querySelector('#probleemlijst li')")
        problem = browser.find_element(By.CSS_SELECTOR, "#probleemlijst li")
        assert problem.text.startswith(f"templates/{LETTER}.md.j2:3: HTML '<b id=vetgedrukt>' kan niet in")
        assert browser.find_elements(By.CSS_SELECTOR, "#problemen b, #vetgedrukt") == []
    finally:
        replace(template, "<b id=vetgedrukt>{{ verzoek.door }}</b>", "{{ verzoek.door }}")
    wait(browser, "return document.getElementById('problemen').hidden")


def test_ctrl_c_with_the_page_open_stops_cleanly(browser, server: Running) -> None:
    """Last in this file: it stops the module's server."""
    open_letter(browser, server)
    status, stderr = server.interrupt()
    assert status == 0 and "Traceback" not in stderr, stderr
    assert server.lines[-1] == "gestopt"
    wait(browser, "return document.getElementById('status').textContent.includes('geen verbinding')")
