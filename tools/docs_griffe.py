"""A griffe extension for the API reference: treat a Google-style ``Example:`` section as
``Examples:``.

Lamina's docstrings (DESIGN.md, rule 9) end with one runnable ``Example:`` of ``>>>`` lines.
Griffe's Google parser reads only the plural ``Examples:`` as code (``Example:`` would become a
Markdown admonition in which ``>>>`` turns into nested block quotes), so this rewrites the
heading when the docstrings are loaded. The source files are not touched.
"""

from __future__ import annotations

import re

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headings to ``Examples:`` in every loaded docstring."""

    def on_instance(self, *, node, obj, agent, **kwargs) -> None:
        doc = obj.docstring
        if doc is not None and "Example:" in doc.value:
            doc.value = _EXAMPLE.sub(r"\1Examples:", doc.value)
