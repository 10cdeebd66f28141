"""snippets/index.py: the home page reports the versions the build really used."""

import platform
import re

import matplotlib
import pages
import pytest
import torch
import yaml
from conftest import DOCS, ROOT, page_source


def test_versions_are_read_from_the_installed_packages(run):
    lines = run("index").outputs["versions"].splitlines()
    assert lines == [
        f"Python      {platform.python_version()}",
        f"PyTorch     {torch.__version__}",
        f"matplotlib  {matplotlib.__version__}",
    ]


def test_pinned_torch():
    assert torch.__version__.split("+")[0] == "2.13.0"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_where_to_start_is_a_path_through_every_page_in_nav_order(lang):
    """One numbered line per page, in nav order, each link named by the page's own title."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    nav = [
        p
        for p in pages.nav_pages(config["nav"])
        if p.split(".")[0] not in ("index", "errata", "glossary", "changes")
    ]
    text = page_source("index", lang).read_text(encoding="utf-8")
    section = text.split("{ #start }", 1)[1].split("\n## ", 1)[0]
    steps = re.findall(r"^\d+\. \[(.+?)\]\((.+?)\)", section, re.MULTILINE)
    assert [target for _, target in steps] == nav
    for title, target in steps:
        page = page_source(target.split(".")[0], lang)
        assert title == pages.read(DOCS, page.name, (), "en").title
