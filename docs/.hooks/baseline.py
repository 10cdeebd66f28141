"""The one hook of the benchmark's baseline (tests/baseline.yml), not of the build: notebooks
published as pages, which mkdocs-static-i18n would otherwise copy as raw JSON."""

from mkdocs.plugins import event_priority
from workarounds import notebooks_as_pages


@event_priority(-200)  # after i18n, which makes each language's files anew
def on_files(files, config):
    return notebooks_as_pages(files, config)
