"""Every page ends with its last-updated date (from git) and the torch that ran its code."""

import re
import subprocess

import pytest
import torch
from conftest import DOCS, page_source, page_url, pages

META = re.compile(r'<p class="page-meta">(.*?)</p>')


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", pages())
def test_page_ends_with_date_and_version(site, name, lang):
    html = (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")
    (line,) = META.findall(html)
    assert f"PyTorch {torch.__version__}" in line
    source = page_source(name, lang)
    day = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", source.name],
        cwd=DOCS,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if day:
        assert f'<time datetime="{day}">{day}</time>' in line
    else:
        assert ("尚未提交" if lang == "zh" else "not committed yet") in line
