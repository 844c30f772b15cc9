import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests
    # are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (each page's default below): a page that takes
    # more than 5 s when both databases' suites run at once is slow, not wrong.
    expect.set_options(timeout=15_000)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """Transactional tests start from an empty database: load the two cities they use."""
    from padu.regions.services import load_regions

    load_regions(only=("33.74", "32.73"))


@pytest.fixture
def city(tmp_path, settings):
    """A small synthetic city imported, matched and classified."""
    from padu.matching.services import run_matching
    from padu.sources.services import find_dataset, import_file
    from padu.synth.services import generate_region
    from padu.welfare.services import classify

    settings.MEDIA_ROOT = tmp_path / "media"
    made = generate_region(region="33.74", people=2_000, seed=11, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(made.files[source], dataset=find_dataset(source), actor=None)
    run_matching(actor=None, u_pairs=2e5)
    classify(actor=None)


def wait_until(page, expression: str, *, timeout: float = 15.0) -> None:
    """Wait until ``expression`` (a promise may be awaited) is true in the page. Playwright's
    ``wait_for_function`` polls with ``eval`` inside the page, which Padu's
    Content-Security-Policy forbids once the first check fails; ``evaluate`` is not
    subject to it."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.1)
