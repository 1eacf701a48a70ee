"""Checks the Kubernetes manifests and the Dockerfiles as far as a machine
without a cluster and without a container engine can:

1. render every overlay (kubectl kustomize deploy/kubernetes/overlays/NAME),
   and every optional component (deploy/kubernetes/components/NAME) on top
   of the first overlay;
2. validate every rendered object against the Kubernetes API schemas
   (kubernetes-validate, strict: unknown fields are errors), for the oldest
   and the newest Kubernetes version we support;
3. scan the rendered manifests and deploy/docker/*.Dockerfile with checkov.

Run with the tools' virtualenv (make test-kubernetes creates it from
deploy/kubernetes/tools-requirements.txt):

    .venv-tools/bin/python deploy/kubernetes/check.py [--out DIR]

Exit status 0 only when every step passed. checkov: a failed check fails
the run when its severity is HIGH or CRITICAL, or unknown. Offline,
checkov's open-source checks carry no severity (severities come from the
Prisma Cloud platform), so in practice every failed check fails the run.
A check may only be skipped with a reason (checkov.io/skipN annotations on
the object, `#checkov:skip=ID:reason` in a Dockerfile); a skip without one
fails the run too.
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Tuple

import kubernetes_validate
import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The Kubernetes versions the manifests must be valid for: the oldest still
# maintained by the big providers when this was written, and the newest
# kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
FAILING_SEVERITIES = {None, "HIGH", "CRITICAL"}
KUBECTL = os.environ.get("KUBECTL", "/usr/bin/kubectl")


class CheckFailed(Exception):
    pass


def render(overlay: pathlib.Path) -> str:
    if not pathlib.Path(KUBECTL).exists() and not shutil.which(KUBECTL):
        raise CheckFailed(f"kubectl not found at {KUBECTL} (set KUBECTL=/path/to/kubectl)")
    done = subprocess.run([KUBECTL, "kustomize", str(overlay)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise CheckFailed(f"kubectl kustomize {overlay} failed:\n{done.stderr.strip()}")
    return done.stdout


def with_component(overlay: pathlib.Path, component: pathlib.Path, scratch: pathlib.Path) -> pathlib.Path:
    """A throw-away overlay: `overlay` plus `component` (kustomize wants
    relative paths)."""
    folder = scratch / f"{overlay.name}+{component.name}"
    folder.mkdir(parents=True)
    (folder / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
        f"resources:\n  - {os.path.relpath(overlay, folder)}\n"
        f"components:\n  - {os.path.relpath(component, folder)}\n")
    return folder


def validate(name: str, rendered: str) -> int:
    """Validates every object; returns how many there were."""
    objects = [doc for doc in yaml.safe_load_all(rendered) if doc]
    errors: List[str] = []
    for doc in objects:
        what = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = "/".join(str(p) for p in error.path)
                errors.append(f"{name}: {what} (Kubernetes {version}): {error.message} at {path or '/'}")
            except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as error:
                errors.append(f"{name}: {what} (Kubernetes {version}): no schema: {error}")
    if errors:
        raise CheckFailed("schema validation failed:\n  " + "\n  ".join(errors))
    return len(objects)


def checkov(target: pathlib.Path, framework: str) -> Tuple[Dict[str, int], List[Tuple[str, str, str]]]:
    """Runs checkov on a folder; raises on a failing finding or a skip
    without a reason; returns the counts and the skips (id, resource, reason)."""
    binary = pathlib.Path(sys.executable).parent / "checkov"
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_RUN_SCA_PACKAGE_SCAN_V2="false",
               LOG_LEVEL="ERROR")
    done = subprocess.run([str(binary), "--directory", str(target), "--framework", framework,
                           "--skip-download", "--output", "json", "--compact"],
                          capture_output=True, text=True, env=env, timeout=600)
    try:
        report = json.loads(done.stdout) if done.stdout.strip() else {}
    except json.JSONDecodeError:
        raise CheckFailed(f"checkov ({framework}) printed no report:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    reports = report if isinstance(report, list) else [report]
    counts = {"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0}
    problems: List[str] = []
    skips: List[Tuple[str, str, str]] = []
    for one in reports:
        if not one:
            continue
        summary = one.get("summary", {})
        for key in counts:
            counts[key] += int(summary.get(key, 0))
        results = one.get("results", {})
        for check in results.get("failed_checks", []):
            severity = (check.get("severity") or None)
            if severity is not None:
                severity = str(severity).upper()
            if severity in FAILING_SEVERITIES:
                problems.append(f"{check['check_id']} {check['check_name']} — {check.get('resource')} "
                                f"({check.get('file_path')}, severity {severity or 'unknown'})")
        for check in results.get("skipped_checks", []):
            reason = str((check.get("check_result") or {}).get("suppress_comment")
                         or check.get("suppress_comment") or "").strip()
            skips.append((check["check_id"], str(check.get("resource")), reason))
            if not reason or reason.lower() == "no comment provided":
                problems.append(f"{check['check_id']} skipped without a reason — {check.get('resource')}")
        for parse_error in results.get("parsing_errors", []) or one.get("parsing_errors", []) or []:
            problems.append(f"checkov could not parse {parse_error}")
    if counts["parsing_errors"]:
        problems.append(f"{counts['parsing_errors']} file(s) checkov could not parse")
    if counts["passed"] + counts["failed"] + counts["skipped"] == 0:
        problems.append(f"checkov ({framework}) checked nothing in {target}")
    if problems:
        raise CheckFailed(f"checkov ({framework}) findings:\n  " + "\n  ".join(problems))
    return counts, skips


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kustomize-root", type=pathlib.Path, default=HERE,
                        help="folder with overlays/ (default: deploy/kubernetes)")
    parser.add_argument("--dockerfiles", type=pathlib.Path, default=ROOT / "deploy" / "docker")
    parser.add_argument("--out", type=pathlib.Path, help="keep the rendered overlays here")
    parser.add_argument("--verbose", action="store_true", help="list every skipped check with its reason")
    args = parser.parse_args(argv)

    overlays = sorted(p for p in (args.kustomize_root / "overlays").iterdir() if (p / "kustomization.yaml").exists())
    if not overlays:
        print(f"no overlays under {args.kustomize_root / 'overlays'}", file=sys.stderr)
        return 1
    out = args.out or pathlib.Path(tempfile.mkdtemp(prefix="borrower-help-k8s-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        return check(args, overlays, out)
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


def check(args: argparse.Namespace, overlays: List[pathlib.Path], out: pathlib.Path) -> int:
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="borrower-help-k8s-components-"))
    components_folder = args.kustomize_root / "components"
    components = sorted(p for p in components_folder.iterdir() if (p / "kustomization.yaml").exists()) \
        if components_folder.is_dir() else []
    builds = overlays + [with_component(overlays[0], component, scratch) for component in components]
    failures: List[str] = []
    total = 0
    for overlay in builds:
        try:
            rendered = render(overlay)
            (out / f"{overlay.name}.yaml").write_text(rendered)
            count = validate(overlay.name, rendered)
            total += count
            print(f"render+validate {overlay.name}: {count} objects, valid for Kubernetes "
                  f"{' and '.join(KUBERNETES_VERSIONS)} (strict)")
        except CheckFailed as error:
            failures.append(str(error))
    shutil.rmtree(scratch, ignore_errors=True)
    if not failures:
        print(f"render+validate: {total} objects in {len(overlays)} overlays and "
              f"{len(components)} components")
    for target, framework in ((out, "kubernetes"), (args.dockerfiles, "dockerfile")):
        if framework == "kubernetes" and failures:
            continue  # nothing rendered to scan
        try:
            counts, skips = checkov(target, framework)
            print(f"checkov {framework}: {counts['passed']} passed, {counts['failed']} failed "
                  f"(none HIGH or unknown), {counts['skipped']} skipped with a reason")
            if args.verbose:  # each skip once, with the objects it applies to
                grouped: Dict[Tuple[str, str], List[str]] = {}
                for check_id, resource, reason in skips:
                    names = grouped.setdefault((check_id, reason), [])
                    if resource.split(".")[-1] not in names:
                        names.append(resource.split(".")[-1])
                for (check_id, reason), names in sorted(grouped.items()):
                    print(f"  skipped {check_id} on {', '.join(names)}: {reason}")
        except CheckFailed as error:
            failures.append(str(error))
    if failures:
        print("\n".join(["FAILED:"] + failures), file=sys.stderr)
        return 1
    if args.out:
        print(f"rendered manifests: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
