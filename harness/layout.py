"""What a page's layout looks like on a phone and on a desktop.

measure() runs at the end of the shared visit of each page (harness/browser.py),
in the same tab: it resizes the window to each of VIEWPORTS in turn and
records what tests/browser/test_browser_layout.py and
tests/browser/test_browser_tables.py check, so that no page is loaded again
for them. A resized desktop window lays a page out as a phone does: the
site's and Material's styles depend on the width only.

Before measuring, every tab of every tabbed block is shown and every
collapsed block opened, so that what a reader sees only after a click is
measured too.
"""

from __future__ import annotations

# The desktop first: the page was loaded at Playwright's 1280 x 720.
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}
PHONE_FONT_MIN = 12  # px: the smallest text a ladder may show on a phone

# Every tab and collapsed block shown, as if a reader opened each.
SHOW_EVERYTHING = """() => {
    const style = document.createElement("style");
    style.textContent = ".tabbed-set > .tabbed-content > .tabbed-block "
        + "{ display: block !important; }";
    document.head.append(style);
    for (const d of document.querySelectorAll("article details")) d.open = true;
}"""

# Material animates some widths (the search box) when the window is resized:
# measure once the animations end (bounded: a transition runs 0.25 s or so).
# A transition that the next resize cancels has ended too, though its promise
# rejects (AbortError).
SETTLED = """async () => Promise.race([
    Promise.all(document.getAnimations()
        .filter(a => a instanceof CSSTransition)
        .map(a => a.finished.catch(() => null))),
    new Promise(done => setTimeout(done, 2000)),
])"""

# Code blocks and Material's row of tab names scroll sideways by design: a
# program's line cannot reflow. Anything else that scrolls sideways, or
# sticks out of the text column (a box, or text: not the padding of a
# wrapped inline element such as code, whose background may reach past the
# end of a line), is a finding.
MEASURE = """() => {
    const article = document.querySelector("article");
    const frame = article.getBoundingClientRect();
    const style = getComputedStyle(article);
    const left = frame.left + parseFloat(style.paddingLeft);
    const right = frame.right - parseFloat(style.paddingRight);
    const name = el => el.tagName.toLowerCase()
        + (typeof el.className === "string" && el.className.trim()
           ? "." + el.className.trim().split(/\\s+/).join(".") : "")
        + ` "${el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40)}"`;
    const scrolls = el => /auto|scroll/.test(getComputedStyle(el).overflowX);
    // Material's row of tab names scrolls, with its buttons at its ends.
    const BY_DESIGN = "pre, .highlight, .tabbed-labels, .tabbed-control";
    const inScroller = el => {
        for (let up = el.parentElement; up && up !== article; up = up.parentElement)
            if (scrolls(up)) return true;
        return false;
    };
    const sideways = [], outside = [];
    const check = (what, boxes) => {
        for (const box of boxes)
            if (box.width && (box.left < left - 1 || box.right > right + 1))
                return outside.push(`${what}: ${Math.round(box.left)} to `
                    + `${Math.round(box.right)} px, the column ${Math.round(left)} `
                    + `to ${Math.round(right)} px`);
    };
    for (const el of article.querySelectorAll("*")) {
        if (el.closest(BY_DESIGN) || !el.getClientRects().length) continue;
        if (scrolls(el) && el.scrollWidth > el.clientWidth + 1)
            sideways.push(`${name(el)}: ${el.scrollWidth} px in ${el.clientWidth} px`);
        // Material's table wrapper reaches into the page margins on purpose.
        if (getComputedStyle(el).display === "inline" || inScroller(el)
                || el.classList.contains("md-typeset__scrollwrap")) continue;
        check(name(el), [el.getBoundingClientRect()]);
    }
    const texts = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
        const el = node.parentElement;
        if (!node.data.trim() || el.closest(BY_DESIGN) || inScroller(node)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        check(`the text "${node.data.trim().slice(0, 40)}"`, range.getClientRects());
    }
    const headerName = th => {
        const copy = th.cloneNode(true);
        copy.querySelectorAll("sup, button, script, style").forEach(e => e.remove());
        return copy.textContent.replace(/\\s+/g, " ").trim();
    };
    const tables = [...article.querySelectorAll("table:not([class])")].map(table => {
        const wrapper = table.closest(".md-typeset__scrollwrap") || table;
        const headers = [...table.querySelectorAll("thead th")].map(headerName);
        const row = table.querySelector("tbody tr");
        const unlabelled = [...table.querySelectorAll("tbody tr")].flatMap(tr =>
            [...tr.cells].filter((td, i) => {
                const before = getComputedStyle(td, "::before");
                return td.dataset.label !== headers[i]
                    || ["none", "normal"].includes(before.content)
                    || before.display === "none";
            }).map(td => `"${td.textContent.trim().slice(0, 30)}" (column `
                         + `"${headers[td.cellIndex]}")`));
        const over = el => el.scrollWidth - el.clientWidth;
        return {
            name: headers.join(" | "),
            scrolls: Math.max(over(table), over(wrapper)),
            cards: row ? getComputedStyle(row).display === "block" : false,
            unlabelled,
        };
    });
    const wrapped_code = [...article.querySelectorAll("table code")]
        .filter(code => code.getClientRects().length > 1)
        .map(code => code.textContent);
    const ladders = [...article.querySelectorAll("figure.ladder")].map(figure => {
        const svg = figure.querySelector("svg");
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const sizes = [...svg.querySelectorAll("text")]
            .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
        const caption = figure.querySelector("figcaption");
        return {
            id: figure.id,
            smallest: Math.min(...sizes),
            caption: caption ? parseFloat(getComputedStyle(caption).fontSize) : 0,
        };
    });
    return {
        page_scroll: document.documentElement.scrollWidth
            - document.documentElement.clientWidth,
        sideways, outside, tables, wrapped_code, ladders,
    };
}"""

# A font far wider than any a reader has: bold monospace, letters spaced.
WIDE_FONT = """text, tspan, foreignObject * {
    font-family: "DejaVu Sans Mono", monospace !important;
    font-weight: 900 !important;
    letter-spacing: 0.3em !important;
}"""

# Each label of a ladder inside its box: a print inside its note, an arrow's
# label between the lifelines, everything inside the drawing.
LADDER_LABELS_OUTSIDE = """() => {
    const inside = (r, b) => r.left >= b.left - 1 && r.right <= b.right + 1
        && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
    const found = [];
    for (const svg of document.querySelectorAll("article svg.ladder-svg")) {
        const frame = svg.getBoundingClientRect();
        const lives = [...svg.querySelectorAll(".ladder-life")]
            .map(l => l.getBoundingClientRect());
        const between = {left: Math.min(...lives.map(r => r.left)),
                         right: Math.max(...lives.map(r => r.right)),
                         top: frame.top, bottom: frame.bottom};
        let note = null;
        for (const el of svg.querySelectorAll("rect.ladder-note-box, text")) {
            if (el.tagName === "rect") { note = el.getBoundingClientRect(); continue; }
            const kind = el.classList;
            const box = kind.contains("ladder-note") ? note
                : kind.contains("ladder-end") ? frame : between;
            if (!box || !inside(el.getBoundingClientRect(), box))
                found.push(`${svg.closest("figure").id}: "${el.textContent}"`);
        }
    }
    return found;
}"""


# In a Mermaid drawing opened as a document: each label (SVG text, or the
# text of an HTML label in a foreignObject, which clips it) inside its
# node's shape or its edge label's background, and inside the foreignObject
# that holds it. Returns the labels checked and those outside.
DIAGRAM_LABELS = """() => {
    const inside = (r, b) => r.left >= b.left - 1 && r.right <= b.right + 1
        && r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
    const checked = [], outside = [];
    for (const group of document.querySelectorAll("g.node, g.edgeLabel")) {
        const shape = group.querySelector(
            "rect.label-container, rect.background, foreignObject");
        const labels = [...group.querySelectorAll("text, foreignObject div")]
            .filter(label => label.textContent.trim());
        for (const label of labels) {
            const text = document.createRange();
            text.selectNodeContents(label);
            const box = (label instanceof SVGElement ? label : text)
                .getBoundingClientRect();
            const holder = label.closest("foreignObject");
            const name = label.textContent.trim();
            checked.push(name);
            if (!inside(box, shape.getBoundingClientRect())
                    || (holder && !inside(box, holder.getBoundingClientRect())))
                outside.push(`"${name}": ${Math.round(box.width)} px wide, its box `
                    + `${Math.round(shape.getBoundingClientRect().width)} px`);
        }
    }
    return [checked, outside];
}"""

ADD_SVG_STYLE = """css => {
    const style = document.createElementNS("http://www.w3.org/2000/svg", "style");
    style.textContent = css;
    document.documentElement.append(style);
}"""


def measure(tab) -> dict:
    """The layout findings at each viewport, and the ladder labels that leave
    their boxes, in the page's fonts and in WIDE_FONT."""
    tab.evaluate(SHOW_EVERYTHING)
    layout: dict = {}
    for device, (width, height) in VIEWPORTS.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.evaluate(SETTLED)
        layout[device] = tab.evaluate(MEASURE)
    layout["ladder_labels_outside"] = tab.evaluate(LADDER_LABELS_OUTSIDE)
    tab.add_style_tag(content=WIDE_FONT)
    layout["ladder_labels_outside_wide"] = tab.evaluate(LADDER_LABELS_OUTSIDE)
    return layout
