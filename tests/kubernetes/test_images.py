"""The images are built from the same pinned constraints as the tested
environment, and each holds every package its code imports (checked
statically: no container engine here)."""
import ast
import functools
import importlib.metadata as metadata
import pathlib
import re
import sys
from typing import Dict, Iterable, Set

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCKER = ROOT / "deploy" / "docker"
OURS = {"borrower_help", "rasa_extensions", "actions", "support_console", "console_settings", "widget"}

# What each image copies (its Dockerfile's COPY lines) and installs.
IMAGES = {
    "rasa": (["borrower_help", "rasa_extensions"], "requirements-rasa.txt"),
    "actions": (["borrower_help", "actions"], "requirements-actions.txt"),
    "console": (["borrower_help", "support_console", "deploy/docker/console_settings.py"], "requirements-console.txt"),
    "worker": (["borrower_help"], "requirements-worker.txt"),
    "page": (["borrower_help/__init__.py", "borrower_help/privacy.py", "widget/serve.py"], None),
}


def names(requirements: pathlib.Path) -> Set[str]:
    return {canonicalize_name(line.split("#")[0].strip()) for line in requirements.read_text().splitlines()
            if line.split("#")[0].strip()}


def pinned() -> Dict[str, str]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[canonicalize_name(name)] = version
    return found


def closure(roots: Iterable[str]) -> Set[str]:
    """The distributions pip installs for `roots` (the tested environment's
    metadata: the same versions, constraints.txt)."""
    seen: Set[str] = set()
    todo = [canonicalize_name(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in metadata.distribution(name).requires or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            todo.append(canonicalize_name(requirement.name))
    return seen


@functools.lru_cache(maxsize=1)
def module_providers() -> Dict[str, Set[str]]:
    """Top-level module -> distributions (Python 3.10's
    packages_distributions() reads only top_level.txt, which wheels built by
    Poetry, such as rasa's, do not have: also look at the files)."""
    providers: Dict[str, Set[str]] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        tops = set((dist.read_text("top_level.txt") or "").split())
        for file in dist.files or []:
            parts = pathlib.PurePosixPath(str(file)).parts
            if parts and not parts[0].endswith((".dist-info", ".data")) and parts[0] != "..":
                tops.add(parts[0][:-3] if parts[0].endswith(".py") else parts[0])
        for top in tops:
            providers.setdefault(top, set()).add(name)
    return providers


def imported_top_level(paths: Iterable[str]) -> Set[str]:
    modules: Set[str] = set()
    for relative in paths:
        path = ROOT / relative
        files = [path] if path.is_file() else [p for p in path.rglob("*.py") if "__pycache__" not in p.parts]
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in OURS}


@pytest.mark.parametrize("image", [name for name, (_, reqs) in IMAGES.items() if reqs])
def test_every_package_an_image_installs_is_pinned(image):
    requirements = DOCKER / IMAGES[image][1]
    missing = names(requirements) - set(pinned())
    assert not missing, f"{requirements.name}: not in constraints.txt: {missing}"
    # Whatever they pull in is pinned too (the tested environment's set).
    unpinned = closure(names(requirements)) - set(pinned()) - {"pip", "setuptools", "wheel"}
    assert not unpinned, f"{image}: installs packages constraints.txt does not pin: {unpinned}"
    dockerfile = (DOCKER / f"{image}.Dockerfile").read_text()
    assert f"-r /tmp/requirements/{requirements.name} -c /tmp/requirements/constraints.txt" in dockerfile


@pytest.mark.parametrize("image", list(IMAGES))
def test_an_image_holds_every_package_its_code_imports(image):
    paths, requirements = IMAGES[image]
    dockerfile = (DOCKER / f"{image}.Dockerfile").read_text()
    for path in paths:
        copied = re.search(rf"^COPY (--\S+ )*[^\n]*\b{re.escape(path)}\b", dockerfile, re.M)
        assert copied, f"{image}.Dockerfile does not copy {path}"
    installed = closure(names(DOCKER / requirements)) if requirements else set()
    providers = module_providers()
    missing = {}
    for module in imported_top_level(paths):
        dists = providers.get(module, set())
        if not dists & installed:
            missing[module] = dists or "not installed anywhere"
    assert not missing, f"{image}: imported but not installed: {missing}"


def test_no_secret_or_local_file_goes_into_an_image():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".venv", "var", "deploy/prod.env", ".env", ".git"):
        assert path in ignored, path
    for dockerfile in DOCKER.glob("*.Dockerfile"):
        text = dockerfile.read_text()
        assert re.search(r"^USER 10001:10001$", text, re.M), f"{dockerfile.name} runs as root"
        assert "HEALTHCHECK" in text, dockerfile.name
        for line in re.findall(r"^(?:ENV|ARG) .*$", text, re.M):
            assert not re.search(r"PASSWORD|SECRET|TOKEN|SESSION_KEY|DATABASE_URL", line), f"{dockerfile.name}: {line}"
        assert "COPY var" not in text and "prod.env" not in text
