"""Sphinx extension: drop repeated <script>/<link> assets from every page.

sphinx-thebe and sphinx-togglebutton register their inline configuration
scripts twice under Jupyter Book 1.0.4; the second copy of
``const THEBE_JS_URL = ...`` is a JavaScript SyntaxError ("Identifier has
already been declared") on every page. Keeping the first of each identical
asset removes the error without changing what the page loads.
"""
from __future__ import annotations


def _key(asset) -> tuple:
    attributes = getattr(asset, "attributes", {}) or {}
    # An inline script has filename None or "" depending on who added it.
    filename = getattr(asset, "filename", asset) or ""
    return (str(filename), tuple(sorted(attributes.items())))


def _dedupe(app, pagename, templatename, context, doctree) -> None:
    for name in ("script_files", "css_files"):
        assets = context.get(name)
        if not assets:
            continue
        seen, kept = set(), []
        for asset in assets:
            key = _key(asset)
            if key not in seen:
                seen.add(key)
                kept.append(asset)
        # In place: the builder keeps a reference to this list.
        assets[:] = kept


def setup(app):
    # Late: after the handlers that add page-specific assets (MathJax, for one).
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
