"""The site's shared knowledge, one owner for each piece.

The hooks that build the pages, the harness that runs and captures the
programs, the tests and the scripts all import from here, and from nowhere
else of the project's own:

- core.paths: where the pages, programs and records are; which page owns a
  program; where a page is served;
- core.markers: every grammar the Markdown and the programs are written in
  (includes, sections, annotation and output lines, evidence markers,
  placeholders) and what a program looks like once published;
- core.theme: the shapes of Material's HTML that the hooks rewrite;
- core.record: the verification record (environment, hash, load, merge,
  write, stamp);
- core.wire: the stored wire sequence (.wire files), as typed events;
- core.pages: a page's includes and what each one shows;
- core.claims: the sentences of a page and the evidence each rests on;
- core.contracts: the helpers' contract tests, as the helpers page lists them;
- core.chromium: how the system's Chromium is started.

Nothing here imports MkDocs: the project is installed into its virtual
environment (editable, by the Makefile's install step), so no PYTHONPATH is
needed anywhere.
"""
