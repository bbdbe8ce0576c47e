"""The site's search, typed into as a reader types, finds the pages about a term.

tests/search_queries.txt keeps the queries readers type, each with the page
that answers it: every one must find that page among the first three results.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conventions import ROOT

QUERIES = ROOT / "tests" / "search_queries.txt"
TOP = 3
QUERY_TIMEOUT = 15_000  # ms, for one query's results to settle, on a busy machine
# The pages found, in order (one result item per page), once the results have
# stopped changing for 300 ms: Material searches in a worker on every key.
SETTLED_RESULTS = """() => {
    const meta = document.querySelector(".md-search-result__meta")?.textContent ?? "";
    const pages = [...document.querySelectorAll(".md-search-result__item")]
        .map(item => item.querySelector("a.md-search-result__link")?.href);
    const now = JSON.stringify([meta, pages]);
    const seen = window.__searchSeen;
    if (!seen || seen.now !== now) {
        window.__searchSeen = {now, since: performance.now()};
        return false;
    }
    return /matching/i.test(meta) && performance.now() - seen.since > 300 && pages;
}"""


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


def reader_queries() -> list[tuple[str, set[str]]]:
    """(query, the pages that answer it) from tests/search_queries.txt."""
    queries = []
    for line in QUERIES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            query, _, pages = line.rpartition(" -> ")
            queries.append((query.strip(), {p.strip() for p in pages.split("|")}))
    return queries


def test_the_query_list_is_long_enough():
    queries = reader_queries()
    assert len(queries) >= 25, f"only {len(queries)} queries in {QUERIES.name}"
    assert all(q and pages for q, pages in queries), QUERIES.name


@pytest.fixture(scope="module")
def search_results(browser, site_url: str) -> dict[str, list[str]]:
    """One visit: each query typed into the search box of the home page, and
    the first pages it found. A fixture, so that the 60 s limit of a test does
    not cover the whole list; each query is bounded by QUERY_TIMEOUT."""
    results = {}
    context = browser.new_context()
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        tab.goto(site_url, wait_until="networkidle")
        box = tab.locator("input.md-search__input")
        box.click(force=True)
        for query, _ in reader_queries():
            # All but the last key at once; Material searches on key events, so
            # the last key, typed, starts one search for the whole query.
            box.fill(query[:-1])
            tab.evaluate("() => { window.__searchSeen = null; }")
            tab.keyboard.type(query[-1])
            found = tab.wait_for_function(
                SETTLED_RESULTS, polling=100, timeout=QUERY_TIMEOUT
            ).json_value()
            results[query] = [urlsplit(url).path for url in found[:TOP]]
    finally:
        context.close()
    return results


def test_reader_queries_find_their_page_in_the_top_three(search_results):
    missed = [
        f"{query!r}: wanted {' or '.join(sorted(pages))}, got {search_results[query]}"
        for query, pages in reader_queries()
        if not pages & set(search_results[query])
    ]
    assert not missed, f"{len(missed)} queries missed their page:\n" + "\n".join(missed)
