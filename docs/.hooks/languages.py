"""Let the language selector follow its own links.

i18n points each page's `<link rel="alternate" hreflang>` at that page in the other language.
Material's JavaScript fetches `sitemap.xml` next to every such link (404s in the console) and,
when that fails, rewrites the selector's target. The selector's own links already lead to the
same page in the other language, and sitemap.xml keeps the hreflang alternates for crawlers,
so the head links are dropped.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


# Remove the per-page hreflang links from the head of every page.
def on_post_page(html: str, page: Page, config: MkDocsConfig) -> str:
    head, sep, body = html.partition("</head>")
    return HEAD_ALTERNATE.sub("", head) + sep + body
