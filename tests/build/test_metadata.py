"""Every page ends with its last-updated date (from git) and the torch that ran its code."""

import re
import subprocess

import metadata
import pytest
import torch
from conftest import DOCS, page_source, page_url, pages

META = re.compile(r'<p class="page-meta">(.*?)</p>')


def committed(name: str, lang: str) -> str:
    """The day of the last commit of a page's source, as git tells it ("" if none)."""
    source = page_source(name, lang)
    git = ["git", "log", "-1", "--format=%cs", "--", source.name]
    return subprocess.run(git, cwd=DOCS, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", pages())
def test_page_ends_with_date_and_version(site, name, lang):
    html = (site / page_url(name, lang) / "index.html").read_text(encoding="utf-8")
    (line,) = META.findall(html)
    assert f"PyTorch {torch.__version__}" in line
    day = committed(name, lang)
    if day:
        assert f'<time datetime="{day}">{day}</time>' in line
    else:
        assert ("尚未提交" if lang == "zh" else "not committed yet") in line


def test_sitemap_dates_are_the_pages_last_commits(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    entries = dict(
        re.findall(r"<loc>[^<]*?//[^/]+/([^<]*)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    )
    assert len(entries) == 2 * len(pages())
    for name in pages():
        for lang in ("zh", "en"):
            day = committed(name, lang)
            if day:
                assert entries[page_url(name, lang)] == day, (name, lang)


def test_outside_git_the_date_is_source_date_epoch_s(tmp_path, monkeypatch):
    page = tmp_path / "x.md"  # a folder that is no git checkout: a source tarball
    page.write_text("# x\n")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765065600")
    assert metadata.last_commit_day(page) == "2025-12-07"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pytest.raises(RuntimeError, match="no git history .* set SOURCE_DATE_EPOCH"):
        metadata.last_commit_day(page)


def test_a_file_no_commit_holds_is_not_committed_yet(tmp_path):
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    (tmp_path / "other.md").write_text("# other\n")
    subprocess.run([*git, "add", "other.md"], check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "other"], check=True, timeout=60)
    page = tmp_path / "x.md"
    page.write_text("# x\n")
    assert metadata.last_commit_day(page) == ""
