"""The site's search, typed into as a reader types, finds the pages about a term."""

from __future__ import annotations

from urllib.parse import urlsplit


def search(browser, site_url: str, query: str) -> list[str]:
    context = browser.new_context()
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle")
        tab.locator("input.md-search__input").click(force=True)
        tab.keyboard.type(query)  # Material searches on key events, not on fill()
        tab.wait_for_function(
            "() => /matching/i.test("
            "document.querySelector('.md-search-result__meta')?.textContent ?? '')"
        )
        return tab.eval_on_selector_all(
            ".md-search-result__item > a.md-search-result__link",
            "links => links.map(a => a.href)",
        )
    finally:
        context.close()


def test_search_finds_the_pages_about_a_term(browser, site_url: str):
    results = search(browser, site_url, "SHUT_WR")
    assert results, "searching for SHUT_WR found nothing"
    pages = {urlsplit(url).path for url in results}
    assert "/how-to/half-close/" in pages, results
    assert "/" in pages, results


def test_search_for_nonsense_finds_nothing(browser, site_url: str):
    assert search(browser, site_url, "xqzvwkjh") == []
