"""Every YAML file the package ships is read without a key silently overwritten.

PyYAML keeps the last of two equal keys in a mapping; a lexicon message or word list
written twice would lose its first meaning with no error, so the files are checked here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p for folder in ("assistant", "tools", "knowledge", "prompts")
                 for p in (ROOT / folder).rglob("*.yaml"))


class _StrictLoader(yaml.SafeLoader):
    """A SafeLoader that raises on a key written twice in one mapping."""


def _mapping_without_repeats(loader: _StrictLoader, node: yaml.MappingNode) -> Any:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise ValueError(f"{key_node.start_mark.name}:{key_node.start_mark.line + 1}: "
                             f"key {key!r} is written twice")
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                              _mapping_without_repeats)


def test_the_package_ships_yaml_files() -> None:
    assert len(SHIPPED) >= 6


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_key_is_written_twice(path: Path) -> None:
    with path.open(encoding="utf-8") as handle:
        yaml.load(handle, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def test_a_repeated_key_is_caught() -> None:
    with pytest.raises(ValueError, match="written twice"):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=_StrictLoader)  # noqa: S506
