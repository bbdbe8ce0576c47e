"""The site's search, typed into as a reader types, finds the pages about a term.

tests/browser/search_queries.txt keeps the queries readers type, each with the page
that answers it: every one must find that page among the first three results,
and those written "query => page" must find it first.
tests/browser/search_messages.txt keeps the error messages readers paste, as Python
prints them on Linux, macOS and Windows: each must find, as the first result,
the section (page and #anchor) that answers it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

from core.pages import all_pages
from core.paths import page_url

QUERIES = Path(__file__).with_name("search_queries.txt")
MESSAGES = Path(__file__).with_name("search_messages.txt")
TOP = 3
QUERY_TIMEOUT = 15_000  # ms, for one query's results to come, on a busy machine
# Material searches on each keyup only (components/search/query), and, when
# the worker answers, writes the count ("N matching documents", or "No
# matching documents") and the first ten result items in one task
# (components/search/result). So, with the count cleared before the last key
# is typed, a count that matches again means this query's results are in.
# Then: the first link of each result item, its page, and the links of the
# first item with their scores. Material groups the results by page, pages
# in the order of their best match; in the first item it shows the page,
# then the section(s) that scored best, then the others folded, each an
# <article data-md-score>.
META = ".md-search-result__meta"
RESULTS = """() => {
    const meta = document.querySelector(".md-search-result__meta")?.textContent ?? "";
    if (!/matching/i.test(meta))
        return false;
    const link = "a.md-search-result__link";
    const items = [...document.querySelectorAll(".md-search-result__item")];
    const pages = items.map(item => item.querySelector(link)?.href);
    const first = [...(items[0]?.querySelectorAll(link) ?? [])]
        .map(a => [a.href, Number(a.querySelector("article")?.dataset.mdScore)]);
    return {pages, first};
}"""


def search(browser, site_url: str, query: str) -> list[str]:
    """The result links (each item's first) of query typed on the home page."""
    context = browser.new_context()
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        page = tab.goto(site_url, wait_until="networkidle")
        box = open_search(tab, page)
        return [page for page in type_and_settle(tab, box, query)["pages"] if page]
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
    """(query, the pages that answer it) from tests/browser/search_queries.txt."""
    queries = []
    for line in QUERIES.read_text().splitlines():
        if line.strip() and not line.startswith("#") and " => " not in line:
            query, _, pages = line.rpartition(" -> ")
            queries.append((query.strip(), {p.strip() for p in pages.split("|")}))
    return queries


@dataclass(frozen=True)
class FirstResult:
    """A query whose first result must be one of `answers`: a page
    ("/how-to/graceful-close/"), or a section of one ("/reference/errors/#anchor")."""

    query: str
    answers: frozenset[str]
    label: str  # where the query comes from: a system, or "reader"


def parse_answers(text: str) -> frozenset[str]:
    return frozenset(answer.strip() for answer in text.split("|"))


def first_result_queries() -> list[FirstResult]:
    """The "query => answer" lines of tests/browser/search_queries.txt."""
    return [
        FirstResult(query.strip(), parse_answers(answer), "reader")
        for query, _, answer in (
            line.partition(" => ")
            for line in QUERIES.read_text().splitlines()
            if " => " in line and not line.startswith("#")
        )
    ]


def pasted_messages() -> list[FirstResult]:
    """Each message of tests/browser/search_messages.txt, under its "## answer" line,
    labelled with where it is printed (linux, macos, windows, openssl...)."""
    messages, answer = [], None
    for line in MESSAGES.read_text().splitlines():
        if line.startswith("## "):
            answer = parse_answers(line[3:])
        elif line.strip() and not line.startswith("#"):
            label, message = line.split(maxsplit=1)
            assert answer, f"{MESSAGES.name}: {line!r} comes before any '## ' line"
            messages.append(FirstResult(message, answer, label))
    return messages


def test_every_line_of_the_query_list_asks_for_a_page_of_the_site():
    """A line that is neither "query -> page" nor "query => answer", or that
    names a page the site does not have, fails here, named, before any browser
    starts."""
    site = {"/" + page_url(page) for page in all_pages()}
    asked = list(reader_queries())
    asked += [(f.query, f.answers) for f in first_result_queries()]
    problems = [
        f"{query!r}: {sorted(pages)}"
        for query, pages in asked
        if not query or not {page.partition("#")[0] for page in pages} <= site
    ]
    assert not problems, (
        f"{QUERIES.name}: not a query for a page of the site: {problems}"
    )


def test_every_errno_message_is_listed_for_the_three_systems():
    """The sections of an errno ("[Errno N]" in its anchor) list a message
    for Linux, macOS and Windows."""
    systems: dict[frozenset[str], set[str]] = {}
    for message in pasted_messages():
        systems.setdefault(message.answers, set()).add(message.label)
    errno_sections = [a for a in systems if any("-errno-" in s for s in a)]
    assert len(errno_sections) >= 8, f"{MESSAGES.name}: {sorted(systems)}"
    for section in errno_sections:
        assert {"linux", "macos", "windows"} <= systems[section], (
            f"{MESSAGES.name}: {sorted(section)} has only {sorted(systems[section])}"
        )


def open_search(tab, page):
    """Wait for the search to be ready, then focus its box. Once its index is
    ready, Material searches for the box's value (""), and writes the count
    with the query typed *by the time the answer comes* (9.x,
    components/search/query and result: withLatestFrom(query$)): an answer
    that came after a query was typed would read as "No matching documents"
    for it (seen on a loaded machine). So nothing is typed until the meta
    text has changed from what the page was served with (page: the response
    to the page's request)."""
    served = BeautifulSoup(page.text(), "html.parser").select_one(META).text
    box = tab.locator("input.md-search__input")
    box.click(force=True)
    tab.wait_for_function(
        f"served => document.querySelector({META!r}).textContent !== served",
        arg=served,
        timeout=QUERY_TIMEOUT,
    )
    return box


def type_and_settle(tab, box, query: str) -> dict:
    """Type query into the search box; its results (RESULTS)."""
    # All but the last key at once (fill() sends no keyup, so no search);
    # the last key, typed, starts one search for the whole query.
    box.fill(query[:-1])
    tab.eval_on_selector(META, "meta => { meta.textContent = ''; }")
    tab.keyboard.type(query[-1])
    return tab.wait_for_function(RESULTS, timeout=QUERY_TIMEOUT).json_value()


def type_each(browser, site_url: str, queries: list[str]) -> dict[str, dict]:
    """One visit: each query typed into the search box of the home page."""
    results = {}
    context = browser.new_context()
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        page = tab.goto(site_url, wait_until="networkidle")
        box = open_search(tab, page)
        for query in dict.fromkeys(queries):
            results[query] = type_and_settle(tab, box, query)
    finally:
        context.close()
    return results


@pytest.fixture(scope="module")
def search_results(browser, site_url: str) -> dict[str, list[str]]:
    """The first pages each reader query found. A fixture, so that the 60 s
    limit of a test does not cover the whole list; each query is bounded by
    QUERY_TIMEOUT."""
    found = type_each(browser, site_url, [q for q, _ in reader_queries()])
    return {
        query: [urlsplit(url).path for url in result["pages"][:TOP]]
        for query, result in found.items()
    }


def test_reader_queries_find_their_page_in_the_top_three(search_results):
    missed = [
        f"{query!r}: wanted {' or '.join(sorted(pages))}, got {search_results[query]}"
        for query, pages in reader_queries()
        if not pages & set(search_results[query])
    ]
    assert not missed, f"{len(missed)} queries missed their page:\n" + "\n".join(missed)


def first_result(settled: dict) -> tuple[str, str] | None:
    """(page, "page#anchor") of the first result: the first item's page, and
    its best-scored link (the page itself, or a section of it)."""
    if not settled["first"]:
        return None
    assert all(isinstance(score, (int, float)) for _, score in settled["first"]), (
        f"a result without a numeric data-md-score: {settled['first']}"
    )
    best = max(settled["first"], key=lambda link: link[1])[0]  # first of equals
    page, anchor = urlsplit(settled["first"][0][0]).path, urlsplit(best)
    return page, anchor.path + (f"#{anchor.fragment}" if anchor.fragment else "")


FIRST_RESULT_QUERIES = first_result_queries() + pasted_messages()


@pytest.fixture(scope="module")
def first_results(browser, site_url: str) -> dict[str, tuple[str, str] | None]:
    """The first result of each query of FIRST_RESULT_QUERIES, typed in one
    visit (bounded per query, as search_results)."""
    found = type_each(browser, site_url, [q.query for q in FIRST_RESULT_QUERIES])
    return {query: first_result(result) for query, result in found.items()}


@pytest.mark.xdist_group("search-first-result")
@pytest.mark.parametrize(
    "expected",
    FIRST_RESULT_QUERIES,
    ids=[f"{q.label}:{q.query[:60]}" for q in FIRST_RESULT_QUERIES],
)
def test_the_first_result_answers_it(expected: FirstResult, first_results):
    found = first_results[expected.query]
    assert found, f"{expected.query!r} found nothing"
    page, section = found
    assert any(
        section == answer if "#" in answer else page == answer
        for answer in expected.answers
    ), (
        f"{expected.label}: {expected.query!r}\n"
        f"  first result: {section}\n  wanted: {' or '.join(sorted(expected.answers))}"
    )


# Words whose letters are those of the HTML entities Material's highlighter
# must never break into (&quot; &gt; &lt; &amp;), and a camelCase message.
HIGHLIGHTED = "connection reset quot close ConnectionResetError"


def test_a_result_opens_with_whole_words_highlighted(browser, site_url: str):
    """A result opens its page with ?h=<the terms found>: Material marks them
    there. Each mark must be a whole term (a separator that its
    highlighter cannot neutralise splits the query into single letters), and
    no code block may show an entity as text (the marks broke them)."""
    results = search(browser, site_url, HIGHLIGHTED)
    assert results, f"searching for {HIGHLIGHTED!r} found nothing"
    assert "?h=" in results[0], results[0]
    context = browser.new_context()
    context.set_default_timeout(30_000)
    try:
        tab = context.new_page()
        tab.goto(results[0], wait_until="networkidle")
        marks = tab.eval_on_selector_all(
            "mark[data-md-highlight]", "marks => marks.map(m => m.textContent)"
        )
        # The case the check is for: marks inside code that holds quotes
        # (&quot; in its HTML), where a broken mark splits an entity.
        marked_quotes = tab.eval_on_selector_all(
            "pre code",
            """blocks => blocks.filter(b => b.querySelector("mark[data-md-highlight]")
                                     && b.textContent.includes('"')).length""",
        )
        code = tab.eval_on_selector_all(
            "pre code", "blocks => blocks.map(b => b.textContent)"
        )
    finally:
        context.close()
    # The words Material was asked to highlight: the query's terms as its
    # search matched them (?h=), each to be marked whole, never letter by letter.
    words = {w.lower() for w in parse_qs(urlsplit(results[0]).query)["h"][0].split()}
    assert marks, f"{results[0]}: no word highlighted"
    assert marked_quotes, f"{results[0]}: no highlighted word in code with quotes"
    stray = sorted({m for m in marks if m.lower() not in words})
    assert not stray, f"{results[0]}: marks that are not query words: {stray[:20]}"
    broken = [c[:80] for c in code if re.search(r"&(?:quot|gt|lt|amp);", c)]
    assert not broken, f"{results[0]}: code showing entities as text: {broken}"
