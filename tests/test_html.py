"""Every published page passes the W3C Nu HTML Checker (vnu) with no error of ours.

vnu comes from the npm registry (`vnu-jar`), which `.ci/run` installs into `.cache/vnu/`, and
runs on the machine's Java. A few messages are caused by the theme or by nbconvert's notebook
template; they are filtered by their exact text, each only where its cause is.
"""

import json
import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from conftest import pages as all_pages

VNU = ROOT / ".cache" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The built pages of the notebook sources, in both languages.
NOTEBOOK_PAGES = tuple(
    f"/{p.name.split('.')[0]}/index.html" for p in (ROOT / "docs").glob("*.ipynb")
)
# The quick compiler only: the same messages for half the CPU (8.6 → 4.3 s on 2 cores); its
# deeper stack frames need a thread stack bigger than the default, or vnu overflows it.
JVM = ["-XX:TieredStopAtLevel=1", "-Xss8m"]
INSTALL = "npm install --no-save --prefix .cache/vnu vnu-jar@26.9.27"

# Material's drawer and search toggles are checkboxes with autocomplete="off", on every page.
THEME = {
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, "
    "“datetime-local”, “email”, “hidden”, “month”, “number”, “password”, “range”, “search”, "
    "“tel”, “text”, “time”, “url”, or “week”.",
}
# nbconvert's template (through mkdocs-jupyter): what is left of JupyterLab's CSS, inlined in the
# body (docs/.hooks/notebook_styles.py), and a copy button written as
# `<clipboard-copy ,="" aria-label=…>`. Notebook pages only.
NOTEBOOK = {
    "The “aria-label” attribute must not be specified on any “clipboard-copy” element unless the "
    "element has a “role” value other than “caption”, “code”, “deletion”, “emphasis”, "
    "“generic”, “insertion”, “paragraph”, “presentation”, “strong”, “subscript”, or "
    "“superscript”.",
    "A “style” element in “body” must be the first child of its parent.",
    "CSS: “cursor”: “normal” is not a “cursor” value.",
    "CSS: “box-orient”: Property “box-orient” doesn't exist.",
    "CSS: “box-align”: Property “box-align” doesn't exist.",
    "CSS: “box-pack”: Property “box-pack” doesn't exist.",
}

# KaTeX's HTML, laid out at build time (docs/.hooks/maths.py): a negative height in a vlist, which
# a browser drops, and an operator such as \max as <mo> in a subscript of its MathML.
KATEX = re.compile(
    r"CSS: “height”: “-[\d.]+em” negative values are not allowed\."
    r"|Element “mo” not allowed as child of element “msub” in this context\. "
    r"\(Suppressing further errors from this subtree\.\)"
)


def test_every_page_is_valid_html(site):
    java = shutil.which("java")
    if not (VNU.exists() and java):
        message = f"vnu.jar or java missing: {INSTALL} (and apt-get install default-jre-headless)"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(message)
    pages = sorted(str(p) for p in site.rglob("*.html"))
    result = subprocess.run(
        [java, *JVM, "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
        capture_output=True,
        text=True,
    )
    messages = json.loads(result.stderr)["messages"]
    # the theme's message on every page shows that vnu read them all
    assert {m["url"] for m in messages if m["message"] in THEME} == {f"file:{p}" for p in pages}
    ours = []
    for m in messages:
        page = m.get("url", "").removeprefix("file:" + str(site))
        notebook = page.endswith(NOTEBOOK_PAGES)
        if m["message"] in THEME or (notebook and m["message"] in NOTEBOOK):
            continue
        if KATEX.fullmatch(m["message"]):
            continue
        ours.append(f"{page}:{m.get('lastLine')}: {m['message']}")
    assert len(pages) == 2 * len(all_pages()) + 1  # every page in two languages, and 404
    assert not ours, "\n".join(ours)
