"""Close every page with when it last changed (from git) and the PyTorch that ran its code.

The version is read from the installed torch at build time, never typed; the date is the
committer date of the page's last commit, so a build of a given commit is reproducible. The same
date becomes the page's `update_date`, which the sitemap's <lastmod> (and the mtime inside
sitemap.xml.gz) are made from; MkDocs would use the day of the build.
"""

from __future__ import annotations

import subprocess
from importlib.metadata import version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

WORDS = {
    "zh": ("最后更新", "尚未提交", "本页代码已用 PyTorch {} 运行验证"),
    "en": ("Last updated", "not committed yet", "code on this page verified with PyTorch {}"),
}


# Append the metadata line to the page's content.
def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    updated, uncommitted, verified = WORDS[config.plugins["i18n"].current_language]
    day = last_commit_day(Path(page.file.abs_src_path))
    if day:
        page.update_date = day
    when = f'<time datetime="{day}">{day}</time>' if day else uncommitted
    line = f"{updated}: {when} · {verified.format(version('torch'))}"
    return f'{html}\n<p class="page-meta">{line}</p>'


# The committer date (YYYY-MM-DD) of the last commit that touched a file, or "" if none did.
def last_commit_day(path: Path) -> str:
    result = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() if result.returncode == 0 else ""
