"""docs/changes.md: a row per change in PyTorch a box records, each shown by the installed torch.

The rows come from the pages (errata.changes); this module holds one check per row, keyed by the
section the row links to, so a box that records a new change fails here until it has its check.
The versions come from PyTorch's own sources and release notes (the row's Source column): the
installed torch can show what is true now, not when it became true.
"""

import inspect
import re
import warnings
from pathlib import Path

import errata
import pages
import pytest
import torch
import torch.nn.functional as F
from conftest import build_config, page_context, page_url
from pages import Section, Source
from torch import nn

ROW = re.compile(r"<tr>\s*" + r"<td>(.*?)</td>\s*" * 5, re.DOTALL)
LINK = re.compile(r'href="\.\./(?:\.\./)?([\w]+)/#([\w-]+)"')
TORCH = tuple(int(n) for n in torch.__version__.split("+")[0].split(".")[:2])


def rows(site: Path, lang: str) -> list[tuple[str, ...]]:
    html = (site / page_url("changes", lang) / "index.html").read_text(encoding="utf-8")
    return ROW.findall(html.split("<tbody>", 1)[1])


def section(row: tuple[str, ...]) -> tuple[str, str]:
    found = LINK.search(row[4])
    assert found, row[4]
    return found.groups()


def comparisons_are_bool():
    a = torch.tensor([1.0, 2.0])
    for result in (a == a, torch.eq(a, a), a > 1):
        assert result.dtype is torch.bool
    assert (a > 1).tolist() == [False, True]


def non_full_backward_hook_warns_future_warning():
    model = nn.Sequential(nn.Linear(2, 2), nn.ReLU())  # two autograd nodes in one forward
    model.register_backward_hook(lambda *args: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model(torch.ones(1, 2, requires_grad=True)).sum().backward()
    (warning,) = caught
    assert warning.category is FutureWarning and not issubclass(FutureWarning, UserWarning)
    assert str(warning.message).startswith(
        "Using a non-full backward hook when the forward contains multiple autograd Nodes "
        "is deprecated and will be removed in future versions."
    )


def variable_is_tensor_and_detach_is_builtin():
    assert type(torch.autograd.Variable(torch.ones(1))) is torch.Tensor
    assert type(torch.Tensor.detach_).__name__ == "method_descriptor"
    with pytest.raises(TypeError):
        inspect.getsource(torch.Tensor.detach_)


def weight_norm_is_deprecated():
    with pytest.warns(FutureWarning, match="weight_norm` is deprecated"):
        nn.utils.weight_norm(nn.Linear(2, 2))
    layer = nn.utils.parametrizations.weight_norm(nn.Linear(2, 2))
    assert hasattr(layer.parametrizations.weight, "original0")


def softplus_annotations_are_float():
    parameters = inspect.signature(nn.Softplus.__init__).parameters
    for name, default in (("beta", 1.0), ("threshold", 20.0)):
        assert parameters[name].annotation in (float, "float")
        assert parameters[name].default == default and type(parameters[name].default) is float
    assert F.softplus(torch.tensor([0.0]), beta=0.5).item() == pytest.approx(2 * 0.6931472)


CHECKS = {
    ("rnn", "detach"): variable_is_tensor_and_detach_is_builtin,
    ("tensors", "comparison"): comparisons_are_bool,
    ("hooks", "legacy-api"): weight_norm_is_deprecated,
    ("activation", "softplus-threshold"): softplus_annotations_are_float,
    ("hooks", "non-full-backward-hook"): non_full_backward_hook_warns_future_warning,
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_row_is_a_checked_change_in_version_order(site, lang):
    found = rows(site, lang)
    assert [section(row) for row in found] == list(CHECKS)  # CHECKS is in version order
    versions = [tuple(int(n) for n in row[0].split(".")) for row in found]
    assert versions == sorted(versions) and versions[-1] <= TORCH
    assert all(all(cell.strip() for cell in row) for row in found)


def test_both_languages_give_the_same_versions(site):
    zh, en = ([row[0] for row in rows(site, lang)] for lang in ("zh", "en"))
    assert zh == en == ["0.4", "1.2", "2.1", "2.3", "2.4"]


@pytest.mark.parametrize("check", CHECKS.values(), ids=lambda check: check.__name__)
def test_the_installed_torch_shows_the_change(check):
    check()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_row_links_to_its_box(site, lang):
    for row in rows(site, lang):
        page, anchor = section(row)
        html = (site / page_url(page, lang) / "index.html").read_text(encoding="utf-8")
        after = html.split(f'id="{anchor}"', 1)[1]
        box = after.split("<h2", 1)[0].split("<h3", 1)[0]
        # the row's version, as the box's paragraph says it
        assert re.search(rf"<strong>(Since )?PyTorch {re.escape(row[0])}( 起)?</strong>", box), (
            page,
            anchor,
        )


@pytest.mark.parametrize(
    ("paragraph", "error"),
    [
        ("**PyTorch 2.x 起**：a；此前b（c）", "'2.x' is no version"),
        ("**PyTorch 2.4 起**：a；此前b（c）", "the change is under no heading with an anchor"),
    ],
)
def test_a_malformed_change_fails_the_build_naming_its_box(monkeypatch, paragraph, error):
    anchor = "" if "anchor" in error else "s"
    box = ("补充 / Note", f"text\n\n{paragraph}", "docs/x.md:7")
    fake = Source("x.md", "X", [Section("S", anchor, boxes=[box])])
    monkeypatch.setattr(pages, "source", lambda config, file: fake)
    with pytest.raises(RuntimeError, match=f"docs/x.md:7: {re.escape(error)}"):
        errata.changes("[[changes]]", page_context("changes.md", "zh"), build_config("zh"))


def test_a_changes_page_without_changes_fails_the_build(monkeypatch):
    fake = Source("x.md", "X", [Section("S", "s", boxes=[("补充 / Note", "text", "docs/x.md:7")])])
    monkeypatch.setattr(pages, "source", lambda config, file: fake)
    with pytest.raises(RuntimeError, match="docs/changes.md: no box records a change"):
        errata.changes("[[changes]]", page_context("changes.md", "zh"), build_config("zh"))
