"""The build, the one hook mkdocs.yml lists: each event calls its steps in the order they happen.

Every step is a plain function in a module of its own beside this one; none registers events.
A build, per language (mkdocs-static-i18n builds the default language, then each other one):

1. config: patch what needs patching upstream (workarounds.py), before any page is read.
   Start every snippet module that misses the cache, each in a worker (execution.py).
2. files: add the figures, the downloads, and the notebooks as pages.
3. each page's Markdown: outputs under includes, figure variants, the errata, changes and
   glossary tables.
4. each page's HTML: notebook fixes, boxes, joined Chinese lines, hovers, laid-out maths, and
   the data the theme shows around it (downloads, date, torch version).
5. env: wait for the runs no page waited for, so every figure is drawn before files are written.
6. each written page: head links, search base, notebook styles and markup.
7. after the last language: one search index per language.
"""

from __future__ import annotations

import cjk
import context
import downloads
import errata
import execution
import glossary
import includes
import languages
import maths
import metadata
import notebook_html
import notebook_markup
import notebook_styles
import pages
import search
import serve
import workarounds
from mkdocs.plugins import event_priority


def on_startup(command: str, dirty: bool) -> None:
    serve.startup(command, dirty)


def on_config(config):
    workarounds.install(config)
    execution.start(config)  # first: the runs go on while the rest of the build does
    return config


@event_priority(-100)  # after i18n has chosen the language to build
def on_pre_build(config) -> None:
    pages.forget()  # `mkdocs serve`: the sources may have changed since the last build
    workarounds.share_notebook_cache(config)


@event_priority(-200)  # after i18n, which makes each language's files anew
def on_files(files, config):
    files = workarounds.notebooks_as_pages(files, config)
    workarounds.fixed_search_worker(files)
    execution.add_figures(files, config)
    downloads.add(files, config)
    serve.mark_modified(files, config)
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    ctx = context.of(page, config)
    markdown = includes.with_outputs(markdown, ctx, config)
    markdown = includes.with_figures(markdown, ctx, files)
    markdown = errata.table(markdown, ctx, config)
    markdown = errata.changes(markdown, ctx, config)
    return glossary.table(markdown, ctx, config)


def on_page_content(html: str, page, config, files) -> str:
    ctx = context.of(page, config)
    if ctx.notebook:
        html = notebook_html.without_cdn_scripts(html, ctx.where)
        slugs = pages.notebook_anchors(config, ctx.src_uri)
        html = notebook_html.with_anchors(html, page, slugs, ctx.where)
        html = notebook_html.kept_out_of_search(html, ctx.where)
        html = errata.boxed(html, ctx, config)
    html = cjk.join_lines(html)
    html = glossary.hovers(html, ctx, config)  # after joining: a term may span a line break
    html = maths.laid_out(html, ctx, page, config)  # last: hovers walk the TeX, not KaTeX's tags
    downloads.offer(page, ctx, files)
    metadata.date(page)
    return html


def on_env(env, config, files):
    execution.finish(config)
    return env


def on_post_page(output: str, page, config) -> str:
    output = languages.without_head_alternates(output)
    output = search.point_at_language_index(output, page, config)
    ctx = context.of(page, config)
    if ctx.notebook:
        output = notebook_styles.purge(output, ctx, config)
        output = notebook_markup.valid(output)  # after the purge, which reads the styles in place
    return output


def on_post_template(output: str, template_name: str, config) -> str:
    return languages.shared_404(output, config) if template_name == "404.html" else output


@event_priority(-200)  # after i18n, which writes the search index once every language is built
def on_post_build(config) -> None:
    search.split_index(config)


def on_serve(server, config, builder):
    import jieba

    jieba.initialize()  # once: so that an edit's rebuild does not wait for its dictionary
    execution.warm_up()
    return server


def on_shutdown() -> None:
    execution.stop()
    maths.close()
