"""Use cases imported on first use, so that ``leadline --help`` and each command start fast."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, imported when a command first reads one of its attributes: the
    commands' modules name the use cases they call this way, so ``leadline --help`` and each
    command import only what they run. Each such line has its ``TYPE_CHECKING`` import beside it,
    for mypy. Example: ``lead_service = lazy_module("leadline.services.leads.records")``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name, name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
