"""When each page last changed, and the PyTorch that ran its code: the page's closing line.

The version is read from the installed torch at build time, never typed. The date is the
committer date of the page's last commit, so a build of a given commit is reproducible; a file
a checkout holds but no commit yet is "not committed yet". Outside a git checkout (a source
tarball, a copy) the date is $SOURCE_DATE_EPOCH's day, and without it the build fails. The
date is also the page's `update_date`, which the sitemap's <lastmod> (and the mtime inside
sitemap.xml.gz) are made from; MkDocs would use the day of the build. The theme writes the
line in the page's language (partials/content.html, `extra.words` in mkdocs.yml).
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def date(page) -> None:
    day = last_commit_day(Path(page.file.abs_src_path))
    if day:
        page.update_date = day
    page.updated, page.torch = day, version("torch")


# The committer date (YYYY-MM-DD) of the last commit that touched a file, or "" if none did.
def last_commit_day(path: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:  # no git at all
        result = None
    if result is not None and result.returncode == 0:
        return result.stdout.strip()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        raise RuntimeError(
            f"{path}: no git history to date the page by; build in a git checkout, "
            "or set SOURCE_DATE_EPOCH (seconds since 1970) to the day the pages are from"
        )
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%d")
