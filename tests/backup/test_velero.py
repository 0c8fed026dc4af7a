"""The cluster part: Velero objects validate against the upstream CRD schemas, Kubernetes objects pass
kubernetes-validate strict, the restore drill runs as a hardened least-privilege pod and really works."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from components.backup import drill, velero
from components.backup.spec import VeleroSpec
from policies import meta
from tests.backup.helpers import backup_resources, backup_stack, run_platform, tenant

CRDS = Path(__file__).resolve().parents[1] / "schemas" / "crds"
SCHEMAS = {
    "Schedule": "velero.io_schedule_v1.json",
    "BackupStorageLocation": "velero.io_backupstoragelocation_v1.json",
    "Restore": "velero.io_restore_v1.json",
}


def crd_errors(obj: dict[str, Any]) -> list[str]:
    schema = json.loads((CRDS / SCHEMAS[obj["kind"]]).read_text())
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(obj)]


def velero_objects(plan) -> list[dict[str, Any]]:
    out = []
    for r in plan.resources:
        if r.type.startswith("kubernetes:velero.io/v1:"):
            out.append({"apiVersion": "velero.io/v1", "kind": r.type.rsplit(":", 1)[1], **r.inputs})
    return out


def test_velero_objects_of_the_dev_stack_validate_against_the_upstream_crds(dev_plan):
    objects = velero_objects(dev_plan)
    kinds = sorted({o["kind"] for o in objects})
    assert kinds == ["BackupStorageLocation", "Schedule"], kinds
    schedules = [o for o in objects if o["kind"] == "Schedule"]
    assert len(schedules) == 4, "one schedule per tenant namespace"
    for obj in objects:
        assert not crd_errors(obj), (obj["metadata"]["name"], crd_errors(obj))


def test_the_crd_check_catches_a_broken_schedule():
    """Guard for the test above: the schema really rejects a schedule without its cron expression."""
    broken = {"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": {"name": "x"}, "spec": {"template": {}}}
    assert crd_errors(broken)
    broken["spec"]["schedule"] = "0 * * * *"
    broken["spec"]["template"] = {"ttl": 720}
    assert any("ttl" in e for e in crd_errors(broken))


def test_the_restore_a_drill_creates_validates_against_the_upstream_crd():
    config = drill.Config.from_env(velero.drill_env(VeleroSpec.model_validate(VELERO_SPEC), ACME, POLICY))
    restore = drill.restore_manifest(config)
    assert not crd_errors(restore), crd_errors(restore)
    assert restore["spec"]["namespaceMapping"] == {"tenant-acme": "drill-acme"}
    assert restore["spec"]["scheduleName"] == "tenant-acme", "Velero restores the newest successful backup of it"
    assert "deployments.apps" in restore["spec"]["excludedResources"], "no second copy of the tenant's workloads"


def test_schedules_cover_each_tenant_namespace_with_volumes_and_ttl_from_retention(dev_plan):
    schedules = {o["metadata"]["name"]: o["spec"] for o in velero_objects(dev_plan) if o["kind"] == "Schedule"}
    acme = schedules["tenant-acme"]
    assert acme["template"]["includedNamespaces"] == ["tenant-acme"]
    assert acme["template"]["snapshotVolumes"] is True
    assert acme["template"]["ttl"] == "840h0m0s", "premium keeps daily points 35 days"
    assert acme["template"]["storageLocation"] == "plinth-premium", "the tenant's tier's location"
    assert acme["schedule"] == "0 */2 * * *"
    assert schedules["tenant-hooli"]["template"]["ttl"] == "168h0m0s", "free keeps 7 days"


def test_locations_point_at_the_tiers_buckets_and_are_kept(dev_plan):
    locations = [r for r in dev_plan.resources if r.type == "kubernetes:velero.io/v1:BackupStorageLocation"]
    assert sorted(r.inputs["metadata"]["name"] for r in locations) == [
        "plinth-enterprise",
        "plinth-free",
        "plinth-premium",
        "plinth-standard",
    ]
    for r in locations:
        assert r.protect and r.retain_on_delete, "a location is where restores come from: never deleted with the stack"
        assert r.inputs["spec"]["objectStorage"]["prefix"].startswith("plinth/dev/")
        assert r.inputs["spec"]["provider"] == "aws" and r.inputs["spec"]["config"] == {"region": "eu-west-1"}


def test_the_velero_release_is_pinned_and_installs_the_providers_plugin(dev_plan):
    release = next(
        r for r in dev_plan.resources if r.type == "kubernetes:helm.sh/v3:Release" and r.name.endswith("-velero")
    )
    assert release.inputs["chart"] == "velero" and release.inputs["version"] == "10.0.10"
    values = release.inputs["values"]
    assert values["initContainers"][0]["image"] == "velero/velero-plugin-for-aws:v1.12.1"
    assert values["backupsEnabled"] is False, "Plinth makes the locations, one per tier"
    assert values["serviceAccount"]["server"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/plinth-dev-velero"
    }
    locations = {
        r.name.rsplit("-", 1)[1]: r.urn for r in dev_plan.resources if r.type.endswith(":BackupStorageLocation")
    }
    for schedule in (r for r in dev_plan.resources if r.type == "kubernetes:velero.io/v1:Schedule"):
        tier = schedule.inputs["spec"]["template"]["storageLocation"].removeprefix("plinth-")
        assert release.urn in schedule.dependencies, "a schedule waits for the release that installs Velero's CRDs"
        assert locations[tier] in schedule.dependencies, "and for the location it writes to"


def _builtin_objects(plan) -> list[dict[str, Any]]:
    out = []
    for r in plan.resources:
        if not r.type.startswith("kubernetes:") or "velero.io" in r.type or "helm.sh" in r.type:
            continue
        if "drill" not in r.name and not r.name.endswith("-backup-namespace"):
            continue
        group_version, kind = r.type.split(":")[1], r.type.split(":")[2]
        api = group_version.replace("core/", "")
        out.append({"apiVersion": api, "kind": kind, **r.inputs})
    return out


def test_every_kubernetes_object_of_the_backups_passes_strict_validation(dev_plan):
    objects = _builtin_objects(dev_plan)
    kinds = sorted({o["kind"] for o in objects})
    assert kinds == [
        "ClusterRole",
        "ClusterRoleBinding",
        "ConfigMap",
        "CronJob",
        "Namespace",
        "Role",
        "RoleBinding",
        "ServiceAccount",
    ]
    for version in sorted({"1.33.0", kubernetes_validate.latest_version()}):
        for obj in objects:
            kubernetes_validate.validate(obj, version, strict=True)


def test_drill_rbac_is_least_privilege(dev_plan):
    objects = [
        o for o in _builtin_objects(dev_plan) if o["metadata"].get("labels", {}).get("plinth.dev/tenant") == "globex"
    ]
    role = next(o for o in objects if o["kind"] == "Role")
    assert role["rules"] == [
        {"apiGroups": ["velero.io"], "resources": ["restores"], "verbs": ["create", "get", "patch"]}
    ]
    cluster_role = next(o for o in objects if o["kind"] == "ClusterRole")
    for rule in cluster_role["rules"]:
        assert rule["resourceNames"], f"cluster-wide rule without resourceNames: {rule}"
        assert "*" not in json.dumps(rule), "no wildcards"
        assert set(rule["verbs"]) <= {"get", "delete"}
    deletes = [r for r in cluster_role["rules"] if "delete" in r["verbs"]]
    assert deletes == [
        {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": ["drill-globex"], "verbs": ["get", "delete"]}
    ]
    assert not any("secrets" in r["resources"] for r in cluster_role["rules"]), "a drill never reads Secrets"
    account = next(o for o in objects if o["kind"] == "ServiceAccount")
    assert account["automountServiceAccountToken"] is False


def test_drill_pod_is_hardened_and_mounts_only_a_short_lived_token(dev_plan):
    cron = next(o for o in _builtin_objects(dev_plan) if o["kind"] == "CronJob" and "globex" in o["metadata"]["name"])
    assert cron["spec"]["schedule"] == "0 6 * * 6", "enterprise: weekly"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    container = pod["containers"][0]
    context = container["securityContext"]
    assert context["readOnlyRootFilesystem"] and context["runAsNonRoot"] and not context["allowPrivilegeEscalation"]
    assert context["capabilities"] == {"drop": ["ALL"]} and context["seccompProfile"] == {"type": "RuntimeDefault"}
    token = pod["volumes"][1]["projected"]["sources"][0]["serviceAccountToken"]
    assert token["expirationSeconds"] == 600
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["DRILL_RTO_SECONDS"] == str(4 * 3600), "enterprise RTO: 4h"


def test_the_backup_kubernetes_objects_pass_every_policy_pack_without_a_finding(dev_plan):
    resources = [
        meta.Resource(r.type, r.inputs, r.name, r.urn, meta.ResourceOptions(protect=r.protect))
        for r in dev_plan.resources
        if r.type.startswith("kubernetes:")
    ]
    ours = {r.urn for r in dev_plan.resources if "drill" in r.name or "-backup-" in r.name}
    findings = []
    for policy in meta.all_policies():
        for message, resource in meta.evaluate(policy, resources):
            if resource is not None and resource.urn in ours:
                findings.append(f"{policy.name}: {resource.name}: {message}")
    assert findings == []


# --- the drill, run for real against an API server ----------------------------------------------------
VELERO_SPEC = {"provider": "aws", "bucket": "b-velero", "config": {"region": "eu-west-1"}}


def _policy():
    from components.backup.spec import BackupSpec, resolve
    from components.tenant.spec import TenantSpec

    spec = BackupSpec.model_validate({"tenants": {"acme": {"copyTo": {"region": "eu-central-1"}}}})
    acme = TenantSpec.model_validate({**tenant(), "tier": "enterprise"})
    resolved, _ = resolve(spec, acme)
    assert resolved is not None
    return acme, resolved.policy


ACME, POLICY = _policy()


class FakeApi:
    """Just enough of the Kubernetes API and Velero for a drill: namespaces, restores, the checked objects."""

    def __init__(self, *, phase: str = "Completed", missing: tuple[str, ...] = (), polls: int = 2, errors: int = 0):
        self.namespaces: set[str] = {"drill-acme"}  # a leftover from an earlier run
        self.restores: dict[str, dict[str, Any]] = {}
        self.phase, self.missing, self.polls, self.errors = phase, set(missing), polls, errors
        self.calls: list[tuple[str, str]] = []

    def handle(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        self.calls.append((method, path))
        parts = path.strip("/").split("/")
        if path.startswith("/api/v1/namespaces/") and len(parts) == 4:
            name = parts[3]
            if method == "DELETE":
                if name not in self.namespaces:
                    return 404, {"reason": "NotFound"}
                self.namespaces.discard(name)
                return 200, {}
            return (200, {"metadata": {"name": name}}) if name in self.namespaces else (404, {})
        if "/restores" in path:
            return self._restores(method, parts, body)
        if any(f"/{kind}/" in path for kind in drill.PATHS):
            kind, name = parts[-2], parts[-1]
            return (404, {}) if f"{kind}/{name}" in self.missing else (200, {"metadata": {"name": name}})
        return 404, {}

    def _restores(self, method: str, parts: list[str], body: Any) -> tuple[int, Any]:
        if method == "POST":
            name = body["metadata"]["generateName"] + "x1"
            self.restores[name] = {
                "metadata": {"name": name, "annotations": {}},
                "spec": dict(body["spec"]),
                "polls": 0,
            }
            self.namespaces.add(body["spec"]["namespaceMapping"]["tenant-acme"])
            return 201, self.restores[name]
        restore = self.restores[parts[-1]]
        if method == "PATCH":
            restore["metadata"]["annotations"].update(body["metadata"]["annotations"])
            return 200, restore
        restore["polls"] += 1
        done = restore["polls"] >= self.polls
        restore["spec"]["backupName"] = "tenant-acme-20250101020000"
        status = {"phase": self.phase if done else "InProgress", "errors": self.errors}
        return 200, {**restore, "status": status}


@pytest.fixture
def api_server():
    servers = []

    def start(fake: FakeApi) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                assert self.headers["Authorization"] == "Bearer test-token"
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                status, payload = fake.handle(method, self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802
                self._serve("GET")

            def do_POST(self):  # noqa: N802
                self._serve("POST")

            def do_PATCH(self):  # noqa: N802
                self._serve("PATCH")

            def do_DELETE(self):  # noqa: N802
                self._serve("DELETE")

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()


def _config(**overrides) -> drill.Config:
    env = velero.drill_env(VeleroSpec.model_validate(VELERO_SPEC), ACME, POLICY)
    config = drill.Config.from_env(env)
    config.poll_seconds = 0
    for k, v in overrides.items():
        setattr(config, k, v)
    return config


def test_a_drill_restores_checks_records_and_cleans_up(api_server):
    fake = FakeApi()
    api = drill.Api(api_server(fake), "test-token")
    outcome, verdict = drill.run(api, _config(), sleep=lambda s: None)
    assert verdict == "passed", outcome
    assert outcome.backup == "tenant-acme-20250101020000"
    restore = next(iter(fake.restores.values()))
    assert restore["metadata"]["annotations"]["plinth.dev/drill-result"] == "passed"
    assert float(restore["metadata"]["annotations"]["plinth.dev/drill-duration-seconds"]) >= 0
    assert "drill-acme" not in fake.namespaces, "the scratch namespace is deleted afterwards"
    assert fake.calls[0] == ("DELETE", "/api/v1/namespaces/drill-acme"), "a leftover scratch namespace goes first"
    checked = {p for m, p in fake.calls if m == "GET" and "drill-acme/" in p}
    assert len(checked) == len(velero.EXPECTED_OBJECTS)


@pytest.mark.parametrize(
    ("fake", "expected"),
    [
        (FakeApi(missing=("resourcequotas/tenant-quota",)), "failed"),
        (FakeApi(phase="PartiallyFailed"), "failed"),
        (FakeApi(errors=3), "failed"),
        (FakeApi(polls=10**6), "failed"),  # never finishes within the timeout
    ],
)
def test_a_drill_fails_when_the_restore_is_not_complete(api_server, fake, expected):
    clock = iter(range(0, 10**7, 60))
    outcome, verdict = drill.run(
        drill.Api(api_server(fake), "test-token"),
        _config(timeout_seconds=600),
        clock=lambda: next(clock),
        sleep=lambda s: None,
    )
    assert verdict == expected, outcome
    assert "drill-acme" not in fake.namespaces, "cleaned up whatever happened"


def test_a_drill_slower_than_the_rto_says_so(api_server):
    fake = FakeApi(polls=3)
    clock = iter([0, 0] + [i * 3600 for i in range(1, 100)])
    outcome, verdict = drill.run(
        drill.Api(api_server(fake), "test-token"),
        _config(rto_seconds=3600, timeout_seconds=10 * 3600),
        clock=lambda: next(clock),
        sleep=lambda s: None,
    )
    assert verdict == "rto-exceeded" and outcome.seconds > 3600
    restore = next(iter(fake.restores.values()))
    assert restore["metadata"]["annotations"]["plinth.dev/drill-rto-seconds"] == "3600"


def test_the_shipped_script_runs_as_the_cronjob_runs_it(api_server, tmp_path):
    """The file the ConfigMap carries, run with the CronJob's environment, exits 0 and prints one JSON line."""
    fake = FakeApi()
    token = tmp_path / "token"
    token.write_text("test-token\n")
    env = {**velero.drill_env(VeleroSpec.model_validate(VELERO_SPEC), ACME, POLICY)}
    env.update(KUBERNETES_API=api_server(fake), DRILL_TOKEN_PATH=str(token), DRILL_POLL_SECONDS="0")
    done = subprocess.run(
        [sys.executable, "-I", str(velero.DRILL_SCRIPT)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["result"] == "passed" and report["tenant"] == "acme" and report["rtoSeconds"] == 4 * 3600


def test_drill_script_uses_the_standard_library_only():
    source = velero.DRILL_SCRIPT.read_text()
    imports = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "json", "os", "ssl", "sys", "time", "urllib", "dataclasses", "typing"}, imports


def test_a_tenant_without_drills_gets_a_schedule_and_no_cron_job():
    plan = run_platform(backup_stack(tenant(tier="free")))
    kinds = sorted(r.type.rsplit(":", 1)[1] for r in backup_resources(plan, "acme"))
    assert kinds == ["Schedule"]


def test_an_existing_velero_is_attached_to_not_installed():
    doc = backup_stack(tenant(tier="standard"))
    doc["backup"]["velero"].update(mode="existing", namespace="backups")
    plan = run_platform(doc)
    assert not plan.of_type("kubernetes:helm.sh/v3:Release"), "no second Velero"
    assert not [r for r in plan.of_type("kubernetes:core/v1:Namespace") if r.inputs["metadata"]["name"] == "backups"]
    location = plan.one("kubernetes:velero.io/v1:BackupStorageLocation")
    assert location.inputs["metadata"]["namespace"] == "backups"
    schedule = plan.one("kubernetes:velero.io/v1:Schedule")
    assert schedule.inputs["metadata"]["namespace"] == "backups" and location.urn in schedule.dependencies
    script = plan.one("kubernetes:core/v1:ConfigMap", "plinth-backup-drill-script")
    assert script.inputs["data"]["drill.py"] == velero.DRILL_SCRIPT.read_text()
