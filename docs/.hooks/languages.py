"""Let the language selector follow its own links.

i18n points each page's `<link rel="alternate" hreflang>` at that page in the other language.
Material's JavaScript fetches `sitemap.xml` next to every such link (404s in the console) and,
when that fails, rewrites the selector's target. The selector's own links already lead to the
same page in the other language, and sitemap.xml keeps the hreflang alternates for crawlers,
so the head links are dropped.

The 404 page is one page for both languages (a static host serves one /404.html for every
path). MkDocs renders it after the last page of the last language, whose language and links it
would keep: it gets the default language and a selector that leads to each home page.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HEAD_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
SELECTOR_LINK = re.compile(r'<a href="[^"]*" hreflang="(\w+)" class="md-select__link">')


# Remove the per-page hreflang links from the head of a page.
def without_head_alternates(html: str) -> str:
    head, sep, body = html.partition("</head>")
    return HEAD_ALTERNATE.sub("", head) + sep + body


# Give the shared 404 page the default language and a selector leading to each home page.
def shared_404(output: str, config) -> str:
    i18n = config.plugins["i18n"]
    base = urlsplit(config.site_url or "/").path
    output = re.sub(r'<html lang="\w+"', f'<html lang="{i18n.default_language}"', output, count=1)
    output = without_head_alternates(output)

    def home(match: re.Match) -> str:
        lang = match[1]
        href = base if lang == i18n.default_language else f"{base}{lang}/"
        return f'<a href="{href}" hreflang="{lang}" class="md-select__link">'

    return SELECTOR_LINK.sub(home, output)
