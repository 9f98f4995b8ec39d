"""deploy/k8s: every manifest of every overlay against the Kubernetes API schemas of
`KUBERNETES_VERSION` (kubernetes-validate, strict: no unknown field) and KEDA's
ScaledObject CRD, plus what the issue asks of each service's objects."""

from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from contracts.enums import JobKind
from contracts.streams import WORKERS
from services.common.settings import WORKER_ENV_PREFIXES
from services.common.worker import WorkerSettings
from services.devstack.ports import SERVICES
from services.gateway.settings import GatewaySettings
from services.notifier.settings import NotifierSettings
from tests.deploy.dockerfile import effective_env, stages
from tests.deploy.known import known_variables
from tests.deploy.kustomize import Manifest, build

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
KUBERNETES_VERSION = "1.33.0"
"""The oldest Kubernetes these manifests are checked against (kubernetes-validate)."""
KEDA_CRD = ROOT / "deploy" / "schemas" / "keda.sh_scaledobjects.yaml"
NATS_CHART_VALUES = ROOT / "deploy" / "schemas" / "nats-chart-2.14.2-values.yaml"
WORKER_NAMES = {"transcoder": JobKind.TRANSCODE, "metadata": JobKind.METADATA}
SECRETS = {
    "gateway": {"echo-database", "echo-auth", "echo-signing", "echo-blobs"},
    "notifier": {"echo-auth"},
    "transcoder": {"echo-blobs"},
    "metadata": {"echo-blobs"},
    "migrate": {"echo-database"},
}
"""Least privilege: each pod gets only the Secrets its service reads."""


def _overlay(name: str) -> list[Manifest]:
    return build(K8S / "overlays" / name)


def _by_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def _strict(schema: Any) -> Any:
    """The CRD's schema refusing unknown fields, as `kubectl apply --validate=strict` does."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if "properties" in strict and "additionalProperties" not in strict:
        strict["additionalProperties"] = False
    return strict


def _keda_schema() -> dict[str, Any]:
    """KEDA's ScaledObject v1alpha1 schema, from its CRD (vendored, see deploy/README.md)."""
    crd = yaml.safe_load(KEDA_CRD.read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema: dict[str, Any] = _strict(version["schema"]["openAPIV3Schema"])
    return schema


def _config(manifests: list[Manifest]) -> dict[str, str]:
    data: dict[str, str] = _by_kind(manifests, "ConfigMap")["echo-config"]["data"]
    return data


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_manifest_is_valid_against_the_api_schemas(overlay: str) -> None:
    manifests = _overlay(overlay)
    keda = _keda_schema()
    for manifest in manifests:
        if manifest["apiVersion"] == "keda.sh/v1alpha1":
            jsonschema.validate(manifest, keda)
        else:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_an_invalid_manifest_is_refused() -> None:
    """The validators are live: a misspelt field fails."""
    deployment = _by_kind(_overlay("dev"), "Deployment")["echo-gateway"]
    deployment["spec"]["template"]["spec"]["terminationGracePeriod"] = 30
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    scaled = _by_kind(_overlay("dev"), "ScaledObject")["echo-transcoder"]
    for broken in ({"scaleTargetRef": None}, {"minReplicas": 0}):
        spec = {**scaled["spec"], **broken}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**scaled, "spec": spec}, _keda_schema())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_a_deployment_service_and_disruption_budget(overlay: str) -> None:
    manifests = _overlay(overlay)
    deployments = _by_kind(manifests, "Deployment")
    assert set(deployments) == {f"echo-{name}" for name in SERVICES}
    for kind in ("Service", "PodDisruptionBudget"):
        assert set(_by_kind(manifests, kind)) == set(deployments), kind
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert "command" not in container, "the image's ENTRYPOINT runs"
        assert "args" not in container
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][bound]), (name, bound)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert {"configMapRef": {"name": "echo-config"}} in container["envFrom"]
        secrets = {ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref}
        assert secrets == SECRETS[name.removeprefix("echo-")], name
        assert container["image"].split(":")[0].endswith(name.removeprefix("echo-")), name
        assert ":" in container["image"], f"{overlay} sets a tag for {name}"


def _seconds(config: dict[str, str], variable: str, default: float) -> float:
    return float(config.get(variable, default))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_termination_grace_outlasts_each_services_own_grace(overlay: str) -> None:
    manifests = _overlay(overlay)
    config = _config(manifests)
    own_grace = {
        "gateway": _seconds(
            config,
            "ECHO_GATEWAY_SHUTDOWN_GRACE_SECONDS",
            GatewaySettings.model_fields["shutdown_grace_seconds"].default,
        ),
        "notifier": _seconds(
            config,
            "ECHO_NOTIFIER_SHUTDOWN_GRACE_SECONDS",
            NotifierSettings.model_fields["shutdown_grace_seconds"].default,
        ),
    }
    for name, kind in WORKER_NAMES.items():
        variable = f"{WORKER_ENV_PREFIXES[kind]}DRAIN_GRACE_SECONDS"
        default = WorkerSettings.model_fields["drain_grace_seconds"].default
        own_grace[name] = _seconds(config, variable, default)
    for name, deployment in _by_kind(manifests, "Deployment").items():
        grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace >= own_grace[name.removeprefix("echo-")] + 10, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_scale_on_their_consumers_backlog(overlay: str) -> None:
    manifests = _overlay(overlay)
    scaled = _by_kind(manifests, "ScaledObject")
    assert set(scaled) == {f"echo-{name}" for name in WORKER_NAMES}
    for name, kind in WORKER_NAMES.items():
        spec = scaled[f"echo-{name}"]["spec"]
        assert spec["scaleTargetRef"]["name"] == f"echo-{name}"
        assert spec["minReplicaCount"] == 0, "scale to zero"
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "nats-jetstream"
        assert trigger["metadata"]["stream"] == WORKERS[kind].stream
        assert trigger["metadata"]["consumer"] == WORKERS[kind].durable
    for deployment in _by_kind(manifests, "Deployment").values():
        assert "replicas" not in deployment["spec"], "the autoscaler owns replicas"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_and_notifier_scale_on_cpu(overlay: str) -> None:
    autoscalers = _by_kind(_overlay(overlay), "HorizontalPodAutoscaler")
    assert set(autoscalers) == {"echo-gateway", "echo-notifier"}
    for name, hpa in autoscalers.items():
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": name,
        }
        (metric,) = hpa["spec"]["metrics"]
        assert metric["resource"]["name"] == "cpu"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_init_job_runs_the_migrate_image(overlay: str) -> None:
    manifests = _overlay(overlay)
    job = _by_kind(manifests, "Job")["echo-migrate"]
    (container,) = job["spec"]["template"]["spec"]["containers"]
    assert container["image"].split(":")[0].endswith("migrate")
    assert {ref["secretRef"]["name"] for ref in container["envFrom"] if "secretRef" in ref} == (
        SECRETS["migrate"]
    )
    assert "command" not in container
    assert "args" not in container


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_configuration_names_only_known_variables(overlay: str) -> None:
    manifests = _overlay(overlay)
    names = set(_config(manifests))
    for secret in _by_kind(manifests, "Secret").values():
        names |= set(secret["stringData"])
    for deployment in _by_kind(manifests, "Deployment").values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            names |= {entry["name"] for entry in container.get("env", [])}
    assert names - known_variables() == set()


def test_stream_replicas_follow_the_nats_cluster() -> None:
    production = yaml.safe_load((K8S / "nats" / "values.yaml").read_text())
    development = yaml.safe_load((K8S / "nats" / "values-dev.yaml").read_text())
    assert production["config"]["cluster"]["replicas"] == 3
    assert _config(_overlay("production"))["ECHO_NATS_STREAM_REPLICAS"] == "3"
    assert development["config"]["cluster"]["enabled"] is False
    assert _config(_overlay("dev"))["ECHO_NATS_STREAM_REPLICAS"] == "1"
    for values in (production, development):
        assert values["config"]["jetstream"]["enabled"] is True
        assert values["config"]["jetstream"]["fileStore"]["enabled"] is True
        assert values["config"]["monitor"]["enabled"] is True, "KEDA reads the monitor port"


def _paths(values: Any, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    if not isinstance(values, dict):
        return {prefix}
    found = {prefix} if prefix else set()
    for key, value in values.items():
        found |= _paths(value, (*prefix, key))
    return found


@pytest.mark.parametrize("values", ["values.yaml", "values-dev.yaml"])
def test_nats_values_use_only_the_charts_keys(values: str) -> None:
    """Every key of our values file exists in the chart's own values.yaml (maps the chart
    leaves open, such as topologySpreadConstraints, may hold any key)."""
    chart = _paths(yaml.safe_load(NATS_CHART_VALUES.read_text()))
    open_maps = {("podTemplate", "topologySpreadConstraints"), ("container", "resources")}
    ours = _paths(yaml.safe_load((K8S / "nats" / values).read_text()))
    unknown = {
        path for path in ours if path not in chart and not any(path[:2] == m for m in open_maps)
    }
    assert unknown == set()


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_blob_services_get_a_writable_scratch_volume(overlay: str) -> None:
    """The root filesystem is read-only: the image's scratch directory must be a volume."""
    deployments = _by_kind(_overlay(overlay), "Deployment")
    for name in ("gateway", "transcoder", "metadata"):
        scratch = effective_env(stages(), name)["ECHO_BLOB_SCRATCH_DIR"]
        (container,) = deployments[f"echo-{name}"]["spec"]["template"]["spec"]["containers"]
        assert scratch in {mount["mountPath"] for mount in container["volumeMounts"]}, name


def test_the_dev_overlay_creates_every_secret_the_pods_name() -> None:
    secrets = set(_by_kind(_overlay("dev"), "Secret"))
    assert secrets == set().union(*SECRETS.values())
