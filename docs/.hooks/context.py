"""The page being built, as every step sees it: its name, kind and language, decided once.

The languages are mkdocs-static-i18n's: the one being built and the default, whose page files
have no language suffix (`tensors.md`; `tensors.en.md`). A language's UI words are its
`extra.words` in mkdocs.yml.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Context:
    name: str  # `tensors`, for tensors.md, tensors.en.md and tensors.ipynb
    src_uri: str
    notebook: bool  # a notebook page (mkdocs-jupyter), not a Markdown one
    lang: str  # the language being built
    default: str  # the default language
    words: dict  # the language's UI words

    @property
    def where(self) -> str:
        return f"docs/{self.src_uri}"


def of(page, config) -> Context:
    lang, default = languages(config)
    src_uri = page.file.src_uri
    name = Path(src_uri).name.split(".")[0]
    notebook = src_uri.endswith(".ipynb")
    return Context(name, src_uri, notebook, lang, default, config.extra.get("words", {}))


# (the language being built, the default language)
def languages(config) -> tuple[str, str]:
    i18n = config.plugins["i18n"]
    return i18n.current_language, i18n.default_language


# The file of a page in a language: `x.md` in the default one, `x.<lang>.md` in another.
def localized(name: str, lang: str, default: str) -> str:
    stem, ext = name.rsplit(".", 1)
    stem = stem.split(".")[0]
    return f"{stem}.{ext}" if lang == default else f"{stem}.{lang}.{ext}"
