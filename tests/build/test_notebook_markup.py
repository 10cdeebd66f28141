"""A notebook page's markup made valid (docs/.hooks/notebook_markup.py): the copy buttons, the
body's style elements and JupyterLab's invalid CSS declarations, on a page written as
mkdocs-jupyter writes one."""

import json
import os
import re
import shutil
import subprocess

import pytest
from notebook_markup import valid
from test_html import INSTALL, JVM, VNU

COPY = '<clipboard-copy ,="" aria-label="Copy to Clipboard" for="cell-1">'
CODE = "pre{line-height: 125%}.highlight-ipynb .k{font-weight: bold }"
LAB = (
    ".jp-InputPrompt{cursor:normal}"
    ".celltoolbar{padding-right:4px;box-orient:horizontal;box-align:stretch;display:flex;"
    "-webkit-box-orient:horizontal;-webkit-box-pack:end;box-pack:end}"
)
# A page as mkdocs-jupyter writes one (the template's script, styles and copy button, a cell's
# text), with what the build leaves of JupyterLab's CSS, and prose that names what is fixed.
PAGE = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>A notebook</title>
    <link rel="stylesheet" href="main.css">
  </head>
  <body>
    <article>
<script>document.title += "!"</script>
<style type="text/css">{CODE}</style>
<style type="text/css">{LAB}</style>
<div class="zeroclipboard-container">
{COPY}
<div><span class="notice" hidden="">Copied!</span></div>
</clipboard-copy>
</div>
<div class="clipboard-copy-txt" id="cell-1">print(1)</div>
<p>Prose about <code>cursor:normal;box-pack:end</code> and &lt;style&gt;.</p>
    </article>
  </body>
</html>
"""
# The same page made valid: the backslash only wraps the long line.
VALID = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>A notebook</title>
    <link rel="stylesheet" href="main.css">
  <style type="text/css">{CODE}</style>
<style type="text/css">.jp-InputPrompt{{}}.celltoolbar{{padding-right:4px;display:flex;\
-webkit-box-orient:horizontal;-webkit-box-pack:end;}}</style>
</head>
  <body>
    <article>
<script>document.title += "!"</script>
<div class="zeroclipboard-container">
<clipboard-copy role="button" aria-label="Copy to Clipboard" for="cell-1">
<div><span class="notice" hidden="">Copied!</span></div>
</clipboard-copy>
</div>
<div class="clipboard-copy-txt" id="cell-1">print(1)</div>
<p>Prose about <code>cursor:normal;box-pack:end</code> and &lt;style&gt;.</p>
    </article>
  </body>
</html>
"""


def test_the_page_is_made_valid_and_is_otherwise_as_it_was():
    assert valid(PAGE) == VALID


def test_each_copy_button_loses_the_comma_and_is_a_button_with_its_name():
    html = valid(PAGE.replace(COPY, COPY.replace("1", "2") + "</clipboard-copy>\n" + COPY))
    assert ',=""' not in html
    # the role the element's script gives it when it connects, which allows its aria-label
    named = '<clipboard-copy role="button" aria-label="Copy to Clipboard" for="cell-{}">'
    assert named.format(1) in html and named.format(2) in html


def test_the_body_styles_follow_the_heads_own_in_their_order():
    page = PAGE.replace("</title>", "</title>\n<style>h1{color:red}</style>").replace(
        "<p>", "<p><style>p{color:blue}</style>"
    )
    head, body = valid(page).split("</head>")
    order = ["h1{color:red}", "main.css", CODE, ".jp-InputPrompt", "p{color:blue}"]
    assert sorted(order, key=head.index) == order
    assert "<style" not in body


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        ("a{cursor:normal}", "a{}"),
        ("a { cursor : normal ; color: red }", "a { color: red }"),
        ("a{color:red;cursor:normal!important}", "a{color:red;}"),
        ("a{box-orient: vertical;box-align:center;box-pack: justify;order:1}", "a{order:1}"),
        # the prefixed properties are valid, as are the other cursors
        ("a{-webkit-box-orient:vertical;-moz-box-pack:end}", None),
        ("a{cursor:pointer;cursor:not-allowed}", None),
    ],
)
def test_only_the_invalid_declarations_go(css, kept):
    end = "}</style>\n</head>"  # of the last style, after LAB's rules
    assert valid(PAGE.replace(LAB, LAB + css)) == VALID.replace(end, "}" + (kept or css) + end[1:])


@pytest.mark.parametrize(
    ("fault", "missing"),
    [
        ((COPY, COPY.replace(',="" ', "")), '<clipboard-copy ,="" …> copy buttons'),
        (("</head>", ""), "<style> elements in <body>"),
        ((LAB, ".jp-InputPrompt{cursor:auto;-webkit-box-pack:end}"), "cursor: normal, box-orient"),
    ],
)
def test_a_page_without_the_expected_markup_fails(fault, missing):
    with pytest.raises(RuntimeError, match=re.escape(f"notebook markup: found no {missing}")):
        valid(PAGE.replace(*fault))


def vnu(html: str, tmp_path) -> set[str]:
    java = shutil.which("java")
    if not (VNU.exists() and java):
        message = f"vnu.jar or java missing: {INSTALL} (and apt-get install default-jre-headless)"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(message)
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [java, *JVM, "-jar", str(VNU), "--errors-only", "--format", "json", str(page)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return {m["message"] for m in json.loads(result.stderr)["messages"]}


def test_vnu_finds_the_page_as_written_invalid_and_the_page_made_valid_valid(tmp_path):
    assert vnu(PAGE, tmp_path) == {
        "The “aria-label” attribute must not be specified on any “clipboard-copy” element unless "
        "the element has a “role” value other than “caption”, “code”, “deletion”, “emphasis”, "
        "“generic”, “insertion”, “paragraph”, “presentation”, “strong”, “subscript”, or "
        "“superscript”.",
        "A “style” element in “body” must be the first child of its parent.",
        "CSS: “cursor”: “normal” is not a “cursor” value.",
        "CSS: “box-orient”: Property “box-orient” doesn't exist.",
        "CSS: “box-align”: Property “box-align” doesn't exist.",
        "CSS: “box-pack”: Property “box-pack” doesn't exist.",
    }
    assert vnu(valid(PAGE), tmp_path) == set()
