// Accessible names for controls that Material draws at run time without one
// (checked by axe-core in tests/test_browser.py): each code block's toolbar
// is a <nav> landmark, which needs a name of its own, and each code
// annotation marker is a link with no text.
(function () {
  function name() {
    document.querySelectorAll(".md-code__nav:not([aria-label])").forEach(function (nav) {
      var block = nav.closest("[id^='__code_']");
      var number = block ? Number(block.id.replace("__code_", "")) + 1 : "";
      nav.setAttribute("aria-label", "Code block " + number + " tools");
    });
    document.querySelectorAll("a[href*='_annotation_']:not([aria-label])").forEach(function (a) {
      a.setAttribute("aria-label", "Annotation " + a.getAttribute("href").split("_annotation_").pop());
    });
  }
  new MutationObserver(name).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", name);
})();
