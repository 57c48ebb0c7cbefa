"""YAML files shipped with Pejling (the text catalogue, the profiles), read fast.

Every process reads them at start: `pejling serve`, every command of the CLI, every test
worker. PyYAML's pure-Python loader took about a quarter of a second for the Danish
catalogue alone; its libyaml loader, in PyYAML's wheels, reads the same in a
seventeenth of that and gives the same data. Organisation files, written by people, are
read by the pure-Python loader still: its error messages show the offending line.
"""

from __future__ import annotations

from typing import Any

import yaml

# The C loader when PyYAML was built with libyaml (its wheels are), else the same loader
# in Python: the result is the same, only slower.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str) -> Any:
    """The data in `text`, as `yaml.safe_load` gives it."""
    return yaml.load(text, Loader=_LOADER)
