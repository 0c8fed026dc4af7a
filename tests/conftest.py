"""Shared test harness: run stacks or single components under the recording mock engine."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from scripts import engine

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture
def run_component() -> Callable[..., engine.Plan]:
    """``run_component(lambda: Component(...), preview=True, config={...})`` -> Plan."""
    return engine.run


@pytest.fixture(scope="session")
def dev_plan() -> engine.Plan:
    """The real program over stacks/Pulumi.dev.yaml, offline, in preview mode (computed once)."""
    return engine.run_stack("dev", ROOT, preview=True)


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[str, Any], Path]:
    """A copy of this project with one extra stack file; returns the project directory.

    ``make_project("bad", {"config": {...}})`` writes a mapping as YAML; a string is written
    as-is (for broken YAML).
    """

    def make(stack: str, document: Any) -> Path:
        project = tmp_path / "project"
        if not project.exists():
            (project / "stacks").mkdir(parents=True)
            shutil.copy(ROOT / "Pulumi.yaml", project / "Pulumi.yaml")
            shutil.copy(ROOT / "__main__.py", project / "__main__.py")
        text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False)
        (project / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
        return project

    return make
