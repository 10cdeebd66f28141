"""Every published page passes the W3C Nu HTML Checker (vnu) with no error of ours.

vnu comes from the npm registry (`vnu-jar`), which `.ci/run` installs into `.cache/vnu/`, and
runs on the machine's Java. A few messages are caused by the theme or by KaTeX's markup; they
are filtered by their exact text. mkdocs-jupyter's notebook markup is made valid by the build
(docs/.hooks/notebook_markup.py), so nothing of it is filtered.
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
        timeout=600,
    )
    messages = json.loads(result.stderr)["messages"]
    # the theme's message on every page shows that vnu read them all
    assert {m["url"] for m in messages if m["message"] in THEME} == {f"file:{p}" for p in pages}
    ours = []
    for m in messages:
        page = m.get("url", "").removeprefix("file:" + str(site))
        if m["message"] in THEME or KATEX.fullmatch(m["message"]):
            continue
        ours.append(f"{page}:{m.get('lastLine')}: {m['message']}")
    assert len(pages) == 2 * len(all_pages()) + 1  # every page in two languages, and 404
    assert not ours, "\n".join(ours)
