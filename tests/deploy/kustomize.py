"""`kustomize build` for the subset of kustomize that deploy/k8s uses, in Python.

No kustomize binary ships in a Python or npm package, so the manifests are built here:
`resources` (files and directories with a kustomization.yaml), `namespace`, `labels`
(metadata only), `images` and `patches` with a target and a JSON 6902 patch file. Any
other key is refused, so a kustomization cannot use a feature this build would ignore.
"""

import copy
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]

SUPPORTED = frozenset(
    {"apiVersion", "kind", "resources", "namespace", "labels", "images", "patches"}
)
CLUSTER_SCOPED = frozenset({"Namespace"})


class UnsupportedKustomizationError(ValueError):
    """The kustomization uses a key this build does not implement."""


def _pointer(path: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]


def _apply_operation(document: Any, operation: dict[str, Any]) -> None:
    *parents, last = _pointer(operation["path"])
    node = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    op = operation["op"]
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if op == "add":
            node.insert(index, operation["value"])
        elif op == "replace":
            node[index] = operation["value"]
        elif op == "remove":
            del node[index]
        else:
            raise UnsupportedKustomizationError(f"JSON patch op {op}")
        return
    if op == "replace" and last not in node:
        raise KeyError(f"replace of a missing {operation['path']}")
    if op in ("add", "replace"):
        node[last] = operation["value"]
    elif op == "remove":
        del node[last]
    else:
        raise UnsupportedKustomizationError(f"JSON patch op {op}")


def _matches(manifest: Manifest, target: dict[str, str]) -> bool:
    return all(
        (key == "kind" and manifest["kind"] == value)
        or (key == "name" and manifest["metadata"]["name"] == value)
        for key, value in target.items()
    )


def _containers(manifest: Manifest) -> list[dict[str, Any]]:
    spec = manifest.get("spec", {})
    pod = spec.get("template", {}).get("spec", {}) if "template" in spec else {}
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def _set_image(container: dict[str, Any], image: dict[str, str]) -> None:
    name, _, tag = container["image"].partition(":")
    if name != image["name"]:
        return
    new_name = image.get("newName", name)
    new_tag = image.get("newTag", tag)
    container["image"] = f"{new_name}:{new_tag}" if new_tag else new_name


def build(directory: Path) -> list[Manifest]:
    """Every manifest the kustomization in `directory` produces."""
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unknown = set(kustomization) - SUPPORTED
    if unknown:
        raise UnsupportedKustomizationError(f"{directory}: {sorted(unknown)}")
    manifests: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        if path.is_dir():
            manifests += build(path)
        else:
            manifests += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    manifests = copy.deepcopy(manifests)
    for patch in kustomization.get("patches", []):
        operations = yaml.safe_load((directory / patch["path"]).read_text())
        targets = [m for m in manifests if _matches(m, patch["target"])]
        if not targets:
            raise UnsupportedKustomizationError(f"patch {patch['path']} matches nothing")
        for manifest in targets:
            for operation in operations:
                _apply_operation(manifest, operation)
    for manifest in manifests:
        for entry in kustomization.get("labels", []):
            manifest["metadata"].setdefault("labels", {}).update(entry["pairs"])
        if "namespace" in kustomization and manifest["kind"] not in CLUSTER_SCOPED:
            manifest["metadata"]["namespace"] = kustomization["namespace"]
        for container in _containers(manifest):
            for image in kustomization.get("images", []):
                _set_image(container, image)
    return manifests
