"""The Kubernetes manifests as rendered by kustomize, for the tests here
(make test-kubernetes; kubectl at $KUBECTL or /usr/bin/kubectl)."""
import os
import pathlib
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
DOCKER = ROOT / "deploy" / "docker"
OVERLAYS = sorted(p.name for p in (KUBERNETES / "overlays").iterdir() if (p / "kustomization.yaml").exists())


def kubectl() -> Optional[str]:
    candidate = os.environ.get("KUBECTL", "/usr/bin/kubectl")
    return candidate if pathlib.Path(candidate).exists() else shutil.which("kubectl")


def render(folder: pathlib.Path) -> List[Dict[str, Any]]:
    binary = kubectl()
    if binary is None:
        pytest.skip("kubectl is not installed (make test-kubernetes says how)")
    done = subprocess.run([binary, "kustomize", str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@dataclass
class Manifests:
    overlay: str
    objects: List[Dict[str, Any]]

    def get(self, kind: str, name: str) -> Dict[str, Any]:
        found = [o for o in self.objects if o["kind"] == kind and o["metadata"]["name"] == name]
        assert len(found) == 1, f"{kind}/{name}: {len(found)} objects in overlay {self.overlay}"
        return found[0]

    def all(self, kind: str) -> List[Dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]

    def settings(self) -> Dict[str, str]:
        return self.get("ConfigMap", "borrower-help-settings")["data"]

    def workloads(self) -> List[Dict[str, Any]]:
        return self.all("Deployment") + self.all("Job")

    def every_container(self) -> List[Dict[str, Any]]:
        """Every container of every workload, init containers included."""
        found = []
        for workload in self.workloads():
            spec = workload["spec"]["template"]["spec"]
            found += spec.get("initContainers", []) + spec.get("containers", [])
        return found

    def container(self, kind: str, name: str, container: str, init: bool = False) -> Dict[str, Any]:
        spec = self.get(kind, name)["spec"]["template"]["spec"]
        found = [c for c in spec.get("initContainers" if init else "containers", []) if c["name"] == container]
        assert len(found) == 1, f"{kind}/{name}: container {container}"
        return found[0]

    def environment(self, container: Dict[str, Any]) -> Dict[str, Any]:
        """Every variable a container gets: the ConfigMaps' values (envFrom)
        as strings, its own `env` entries as written."""
        values: Dict[str, Any] = {}
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef")
            assert ref, f"{container['name']}: only ConfigMaps come in through envFrom"
            values.update(self.get("ConfigMap", ref["name"])["data"])
        for entry in container.get("env", []):
            values[entry["name"]] = entry.get("value", entry.get("valueFrom"))
        return values


@pytest.fixture(scope="session", params=OVERLAYS)
def manifests(request) -> Manifests:
    return Manifests(request.param, render(KUBERNETES / "overlays" / request.param))
