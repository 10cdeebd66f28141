"""snippets/index.py: the home page reports the versions the build really used."""

import platform

import matplotlib
import torch


def test_versions_are_read_from_the_installed_packages(run):
    lines = run("index").outputs["versions"].splitlines()
    assert lines == [
        f"Python      {platform.python_version()}",
        f"PyTorch     {torch.__version__}",
        f"matplotlib  {matplotlib.__version__}",
    ]


def test_pinned_torch():
    assert torch.__version__.split("+")[0] == "2.13.0"
