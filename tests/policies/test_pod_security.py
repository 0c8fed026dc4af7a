"""Pod Security Standards beyond one mutation: every pod template of custom resources (KubeRay, Kubeflow),
pod-level versus container-level settings, the exemptions the admission controller makes (Windows pods, user
namespaces), legacy annotations, and what the API allows on ephemeral containers."""

from __future__ import annotations

import copy

import pytest

from policies import meta, props
from policies.kubernetes import _workloads
from tests.policies.cases import SECURE_CONTAINER
from tests.policies.harness import DELETE, UNKNOWN, analyze, mutate

P = {p.name: p for p in meta.all_policies()}
POD_POLICIES = sorted(n for n, p in P.items() if p.kind == "resource" and p.types == _workloads.TYPES)
SECURE_POD = {"automountServiceAccountToken": False, "containers": [SECURE_CONTAINER]}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "tenant-acme"}, "spec": SECURE_POD}
POD_TYPE = "kubernetes:core/v1:Pod"


def _template(spec: dict | None = None) -> dict:
    return {"metadata": {"labels": {"app": "x"}}, "spec": copy.deepcopy(spec or SECURE_POD)}


def _ray(head: dict | None = None, worker: dict | None = None) -> dict:
    return {
        "apiVersion": "ray.io/v1",
        "kind": "RayCluster",
        "metadata": {"name": "train", "namespace": "tenant-acme", "labels": {"plinth.dev/tier": "premium"}},
        "spec": {
            "headGroupSpec": {"rayStartParams": {}, "template": _template(head)},
            "workerGroupSpecs": [
                {"groupName": "cpu", "replicas": 2.0, "template": _template()},
                {"groupName": "gpu", "replicas": 1.0, "template": _template(worker)},
            ],
        },
    }


def _workflow(container: dict, **pod_wide) -> dict:
    """An Argo WorkflowSpec: a steps template (no pod of its own) and a container template running ``container``."""
    return {
        "entrypoint": "main",
        "automountServiceAccountToken": False,
        "templates": [
            {"name": "main", "steps": [[{"name": "train", "template": "train"}]]},
            {"name": "train", "container": container},
        ],
        **pod_wide,
    }


#: One object per custom kind, with a pod template at every place the kind keeps one; ``bad`` replaces the
#: last template's pod spec.
def _custom(token: str, bad: dict | None = None) -> dict:
    group_version, kind = token.split(":", 1)[1].rsplit(":", 1)
    obj: dict = {"apiVersion": group_version, "kind": kind, "metadata": {"name": "w", "namespace": "tenant-acme"}}
    if kind == "Rollout":
        obj["spec"] = {"template": _template(bad)}
    elif kind == "RayCluster":
        obj["spec"] = _ray(worker=bad)["spec"]
    elif kind == "RayJob":
        obj["spec"] = {"rayClusterSpec": _ray()["spec"], "submitterPodTemplate": _template(bad)}
    elif kind == "RayService":
        obj["spec"] = {"rayClusterConfig": _ray(worker=bad)["spec"]}
    elif kind == "Notebook":
        obj["spec"] = {"template": {"spec": copy.deepcopy(bad or SECURE_POD)}}
    elif kind in props.WORKFLOW_SPECS:
        workflow = _workflow(copy.deepcopy((bad or SECURE_POD)["containers"][0]))
        obj["spec"] = {"schedule": "0 * * * *", "workflowSpec": workflow} if kind == "CronWorkflow" else workflow
    else:
        field = {"PyTorchJob": "pytorch", "TFJob": "tf", "MPIJob": "mpi", "XGBoostJob": "xgb", "PaddleJob": "paddle"}
        specs = f"{field.get(kind, 'jax')}ReplicaSpecs"
        obj["spec"] = {
            specs: {"Master": {"replicas": 1.0, "template": _template()}, "Worker": {"template": _template(bad)}}
        }
    return obj


def test_every_pod_template_of_a_raycluster_is_found_with_its_path():
    found = [(t.path, t.named) for t in props.pod_templates(_ray())]
    assert found == [
        ("spec.headGroupSpec.template", True),
        ("spec.workerGroupSpecs[0].template", True),
        ("spec.workerGroupSpecs[1].template", True),
    ]
    containers = [c.path for c in props.pod_containers(_ray())]
    assert containers[-1] == "spec.workerGroupSpecs[1].template.spec.containers[0]"
    job = _custom("kubernetes:kubeflow.org/v1:PyTorchJob")
    assert [t.path for t in props.pod_templates(job)] == [
        "spec.pytorchReplicaSpecs.Master.template",
        "spec.pytorchReplicaSpecs.Worker.template",
    ]
    with pytest.raises(TypeError, match=r"spec.workerGroupSpecs\[0\].template is a string"):
        props.pod_templates(mutate(_ray(), "spec.workerGroupSpecs.0.template", "oops"))


@pytest.mark.parametrize("token", sorted(set(_workloads.CUSTOM_WORKLOAD_TYPES)))
def test_custom_resources_pass_when_every_template_is_secure(token):
    obj = _custom(token)
    for name in POD_POLICIES:
        assert analyze(P[name], token, obj).passed, f"{name} flagged a secure {token}"


@pytest.mark.parametrize("token", sorted(set(_workloads.CUSTOM_WORKLOAD_TYPES)))
def test_a_privileged_container_in_any_template_of_a_custom_resource_is_found(token):
    bad = mutate(SECURE_POD, "containers.0.securityContext.privileged", True)
    out = analyze(P["kubernetes-pod-privileged-forbidden"], token, _custom(token, bad))
    assert len(out.violations) == 1 and out.violations[0].startswith("Container app"), out
    if token.endswith(("RayCluster", "RayService", "PyTorchJob")):
        assert " of spec." in out.violations[0], "a workload with several templates names the one at fault"


def test_pod_level_findings_name_the_template_of_a_multi_template_workload():
    worker = {**SECURE_POD, "hostNetwork": True}
    out = analyze(P["kubernetes-pod-hostnamespaces-forbidden"], "kubernetes:ray.io/v1:RayCluster", _ray(worker=worker))
    assert out.violations == ["The pod template spec.workerGroupSpecs[1].template sets hostNetwork: true."]


def test_gpu_limit_is_per_pod_template():
    gpu = {**SECURE_CONTAINER, "resources": {"limits": {"nvidia.com/gpu": 2.0, "cpu": "1", "memory": "1Gi"}}}
    two = {**SECURE_POD, "containers": [gpu]}
    ray = _ray(head=two, worker=two)
    assert analyze(P["kubernetes-pod-gpu-limited"], "kubernetes:ray.io/v1:RayCluster", ray).passed, (
        "two GPUs in each of two pods is two per pod, within premium's two"
    )
    three = {**SECURE_POD, "containers": [gpu, {**gpu, "name": "side"}]}
    out = analyze(P["kubernetes-pod-gpu-limited"], "kubernetes:ray.io/v1:RayCluster", _ray(worker=three))
    assert out.violations == [
        "Each pod of spec.workerGroupSpecs[1].template asks for 4 GPU(s); the premium tier allows 2."
    ]


# --- Baseline controls ---------------------------------------------------------------------------------------

SC = "spec.containers.0.securityContext"


def test_hostprocess_is_privileged_at_pod_and_container_level():
    policy = P["kubernetes-pod-privileged-forbidden"]
    pod = mutate(POD, "spec.securityContext", {"windowsOptions": {"hostProcess": True}})
    assert analyze(policy, POD_TYPE, pod).violations == [
        "The pod runs as a Windows HostProcess pod (windowsOptions.hostProcess: true)."
    ]
    container = mutate(POD, f"{SC}.windowsOptions", {"hostProcess": True})
    assert "Windows HostProcess container" in analyze(policy, POD_TYPE, container).violations[0]
    assert analyze(policy, POD_TYPE, mutate(POD, f"{SC}.windowsOptions", {"hostProcess": False})).passed


def test_capabilities_name_what_is_beyond_baseline_and_restricted():
    policy = P["kubernetes-pod-capabilities-restricted"]
    out = analyze(policy, POD_TYPE, mutate(POD, f"{SC}.capabilities.add", ["SYS_ADMIN", "CHOWN", "NET_BIND_SERVICE"]))
    assert out.violations == [
        "Container app adds capabilities SYS_ADMIN, beyond the runtime's default set.",
        "Container app adds capabilities CHOWN; only NET_BIND_SERVICE may be added back.",
    ]
    assert analyze(policy, POD_TYPE, mutate(POD, f"{SC}.capabilities.add", ["NET_BIND_SERVICE"])).passed
    dropped_some = mutate(POD, f"{SC}.capabilities.drop", ["NET_RAW"])
    assert analyze(policy, POD_TYPE, dropped_some).violations == ["Container app does not drop ALL capabilities."]


def test_host_ports_allow_zero_and_skip_ephemeral_containers():
    policy = P["kubernetes-pod-hostports-forbidden"]
    assert analyze(
        policy, POD_TYPE, mutate(POD, "spec.containers.0.ports", [{"containerPort": 80.0, "hostPort": 0.0}])
    ).passed
    init = mutate(POD, "spec.initContainers", [{**SECURE_CONTAINER, "name": "setup", "ports": [{"hostPort": 53.0}]}])
    assert analyze(policy, POD_TYPE, init).violations == ["Init container setup binds host port 53."]


def test_seccomp_pod_level_covers_containers_and_unconfined_is_refused_anywhere():
    policy = P["kubernetes-pod-seccomp-required"]
    bare = mutate(POD, f"{SC}.seccompProfile", DELETE)
    assert analyze(policy, POD_TYPE, bare).violations == [
        "Container app has no seccomp profile, and neither has the pod: it runs unconfined."
    ]
    pod_level = mutate(bare, "spec.securityContext", {"seccompProfile": {"type": "RuntimeDefault"}})
    assert analyze(policy, POD_TYPE, pod_level).passed, "a pod-level RuntimeDefault covers every container"
    localhost = mutate(bare, f"{SC}.seccompProfile", {"type": "Localhost", "localhostProfile": "profiles/app.json"})
    assert analyze(policy, POD_TYPE, localhost).passed
    unconfined_pod = mutate(POD, "spec.securityContext", {"seccompProfile": {"type": "Unconfined"}})
    assert analyze(policy, POD_TYPE, unconfined_pod).violations == ["The pod sets the seccomp profile to Unconfined."]
    debug = {"name": "debug", "image": "busybox:1.36", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}
    ephemeral = mutate(POD, "spec.ephemeralContainers", [debug])
    assert analyze(policy, POD_TYPE, ephemeral).violations == [
        "Ephemeral container debug sets the seccomp profile to Unconfined."
    ]


def test_seccomp_legacy_annotations_count_as_the_api_server_reads_them():
    policy = P["kubernetes-pod-seccomp-required"]
    bare = mutate(POD, f"{SC}.seccompProfile", DELETE)
    annotated = mutate(bare, "metadata.annotations", {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"})
    assert analyze(policy, POD_TYPE, annotated).passed
    for_app = mutate(
        bare, "metadata.annotations", {"container.seccomp.security.alpha.kubernetes.io/app": "localhost/p"}
    )
    assert analyze(policy, POD_TYPE, for_app).passed
    unconfined = mutate(POD, "metadata.annotations", {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"})
    assert analyze(policy, POD_TYPE, unconfined).violations == ["The pod sets the seccomp profile to Unconfined."]
    invalid = mutate(POD, f"{SC}.seccompProfile.type", "Custom")
    assert analyze(policy, POD_TYPE, invalid).violations == ["Container app sets an unknown seccomp profile type."]


def test_apparmor_and_selinux_allowed_values_pass():
    apparmor = P["kubernetes-pod-apparmor-restricted"]
    localhost = mutate(POD, f"{SC}.appArmorProfile", {"type": "Localhost", "localhostProfile": "k8s-app"})
    assert analyze(apparmor, POD_TYPE, localhost).passed
    annotated = mutate(
        POD, "metadata.annotations", {"container.apparmor.security.beta.kubernetes.io/app": "localhost/p"}
    )
    assert analyze(apparmor, POD_TYPE, annotated).passed
    unconfined = mutate(
        POD, "metadata.annotations", {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}
    )
    assert analyze(apparmor, POD_TYPE, unconfined).violations == [
        "Annotation container.apparmor.security.beta.kubernetes.io/app runs container app with the AppArmor profile "
        "unconfined."
    ]
    selinux = P["kubernetes-pod-selinux-restricted"]
    for selinux_type in ("container_t", "container_init_t", "container_kvm_t", "container_engine_t", ""):
        assert analyze(selinux, POD_TYPE, mutate(POD, f"{SC}.seLinuxOptions", {"type": selinux_type})).passed
    both = mutate(POD, f"{SC}.seLinuxOptions", {"type": "spc_t", "user": "system_u"})
    assert analyze(selinux, POD_TYPE, both).violations == [
        "Container app sets the SELinux type spc_t and user system_u."
    ]


def test_proc_mount_and_sysctls():
    procmount = P["kubernetes-pod-procmount-restricted"]
    unmasked = mutate(POD, f"{SC}.procMount", "Unmasked")
    assert analyze(procmount, POD_TYPE, unmasked).violations == [
        "Container app sets procMount: Unmasked, which unmasks /proc."
    ]
    own_userns = mutate(unmasked, "spec.hostUsers", False)
    assert analyze(procmount, POD_TYPE, own_userns).passed, "a pod in its own user namespace may unmask /proc"
    sysctls = P["kubernetes-pod-sysctls-restricted"]
    safe = [{"name": n, "value": "1"} for n in ("net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time")]
    assert analyze(sysctls, POD_TYPE, mutate(POD, "spec.securityContext", {"sysctls": safe})).passed
    unsafe = mutate(POD, "spec.securityContext", {"sysctls": [*safe, {"name": "vm.swappiness", "value": "1"}]})
    assert analyze(sysctls, POD_TYPE, unsafe).violations == ["The pod sets the unsafe sysctls vm.swappiness."]


def test_probe_hosts_are_checked_on_every_handler_but_empty_is_allowed():
    policy = P["kubernetes-pod-probehost-forbidden"]
    empty = mutate(POD, "spec.containers.0.readinessProbe", {"tcpSocket": {"host": "", "port": 80.0}})
    assert analyze(policy, POD_TYPE, empty).passed
    startup = mutate(POD, "spec.containers.0.startupProbe", {"httpGet": {"host": "example.com", "port": 80.0}})
    assert analyze(policy, POD_TYPE, startup).violations == [
        "Container app points its startupProbe httpGet at host example.com."
    ]


# --- Restricted controls ---------------------------------------------------------------------------------------


def test_volume_types_leave_hostpath_to_its_own_policy():
    host = mutate(POD, "spec.volumes", [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}])
    assert analyze(P["kubernetes-pod-volumetypes-restricted"], POD_TYPE, host).passed, "no double report"
    assert analyze(P["kubernetes-pod-hostpath-forbidden"], POD_TYPE, host).violations
    core = [
        {"name": n, source: {}}
        for n, source in (("a", "configMap"), ("b", "secret"), ("c", "projected"), ("d", "downwardAPI"), ("e", "csi"))
    ]
    assert analyze(P["kubernetes-pod-volumetypes-restricted"], POD_TYPE, mutate(POD, "spec.volumes", core)).passed
    disk = mutate(POD, "spec.volumes", [{"name": "d", "awsElasticBlockStore": {"volumeID": "vol-1"}}])
    assert analyze(P["kubernetes-pod-volumetypes-restricted"], POD_TYPE, disk).violations == [
        "Volume d is a awsElasticBlockStore volume, which the restricted profile does not allow in a pod."
    ]


def test_windows_pods_are_exempt_from_the_linux_only_controls():
    windows = {**POD, "spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "app:1.0"}]}}
    for name in (
        "kubernetes-pod-capabilities-restricted",
        "kubernetes-pod-privilegeescalation-forbidden",
        "kubernetes-pod-seccomp-required",
    ):
        assert analyze(P[name], POD_TYPE, windows).passed, name
        linux = mutate(windows, "spec.os.name", "linux")
        assert analyze(P[name], POD_TYPE, linux).violations, f"{name} exempts only Windows pods"


def test_run_as_non_root_pod_level_values_every_container_overrides_are_still_refused():
    policy = P["kubernetes-pod-runasnonroot-required"]
    pod_false = mutate(POD, "spec.securityContext", {"runAsNonRoot": False})
    assert analyze(policy, POD_TYPE, pod_false).violations == ["The pod sets runAsNonRoot: false."]
    pod_root = mutate(POD, "spec.securityContext", {"runAsUser": 0.0})
    assert analyze(policy, POD_TYPE, pod_root).violations == ["The pod sets runAsUser: 0."]
    own_userns = mutate(mutate(POD, f"{SC}.runAsUser", 0.0), "spec.hostUsers", False)
    assert analyze(policy, POD_TYPE, own_userns).passed, "root in a user namespace is not root on the node"


@pytest.mark.parametrize(
    ("name", "field", "container"),
    [
        ("kubernetes-pod-seccomp-required", "seccompProfile", {"seccompProfile": {"type": "Unconfined"}}),
        ("kubernetes-pod-procmount-restricted", "procMount", {"procMount": "Unmasked"}),
        ("kubernetes-pod-selinux-restricted", "seLinuxOptions", {"seLinuxOptions": {"user": "root"}}),
        ("kubernetes-pod-apparmor-restricted", "appArmorProfile", {"appArmorProfile": {"type": "Unconfined"}}),
        ("kubernetes-pod-capabilities-restricted", "capabilities", {"capabilities": {"add": ["SYS_PTRACE"]}}),
    ],
)
def test_init_and_ephemeral_containers_are_held_to_the_same_controls(name, field, container):
    for list_name, label in (("initContainers", "Init container x"), ("ephemeralContainers", "Ephemeral container x")):
        sc = {**SECURE_CONTAINER["securityContext"], **container}
        pod = mutate(POD, f"spec.{list_name}", [{"name": "x", "image": "busybox:1.36", "securityContext": sc}])
        out = analyze(P[name], POD_TYPE, pod)
        assert out.violations and all(v.startswith(label) for v in out.violations), (name, list_name, out)


def test_credentials_in_env_vars_are_found_in_every_container_and_references_pass():
    policy = P["kubernetes-pod-envcredentials-forbidden"]
    debug = {"name": "debug", "image": "busybox:1.36", "env": [{"name": "GITHUB_TOKEN", "value": "ghp_" + "a1B2" * 9}]}
    out = analyze(policy, POD_TYPE, mutate(POD, "spec.ephemeralContainers", [debug]))
    assert out.violations == [
        "Ephemeral container debug sets environment variable GITHUB_TOKEN to a plaintext credential: GitHub token."
    ]
    refs = [
        {"name": "DB_PASSWORD", "value": "$(VAULT_DB_PASSWORD)"},
        {"name": "API_TOKEN_URL", "value": "https://x/token"},
    ]
    assert analyze(policy, POD_TYPE, mutate(POD, "spec.containers.0.env", refs)).passed


def test_unknown_pod_templates_are_not_passed():
    ray = mutate(_ray(), "spec.workerGroupSpecs", UNKNOWN)
    for name in ("kubernetes-pod-seccomp-required", "kubernetes-pod-hostports-forbidden"):
        out = analyze(P[name], "kubernetes:ray.io/v1:RayCluster", ray)
        assert out.unknown and not out.violations, name


# --- Argo Workflows: one pod per template that runs a container, script or container set ------------------------

WORKFLOW = "kubernetes:argoproj.io/v1alpha1:Workflow"


def _argo(**changes) -> dict:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": "wf"}, "spec": changes}


def test_argo_pods_are_assembled_from_the_template_over_the_workflow():
    main = {k: v for k, v in SECURE_CONTAINER.items() if k != "name"}
    spec = _workflow(main)
    spec["templates"].append(
        {
            "name": "set",
            "containerSet": {"containers": [{**SECURE_CONTAINER, "name": "a"}]},
            "sidecars": [{**SECURE_CONTAINER, "name": "proxy"}],
            "initContainers": [{**SECURE_CONTAINER, "name": "fetch"}],
        }
    )
    wf = _argo(**spec)
    found = [(c.field, c.path, c.label) for c in props.pod_containers(wf)]
    assert found == [
        ("containers", "spec.templates[1].container", "Container main of spec.templates[1]"),
        ("containers", "spec.templates[2].containerSet.containers[0]", "Container a of spec.templates[2]"),
        ("containers", "spec.templates[2].sidecars[0]", "Container proxy of spec.templates[2]"),
        ("initContainers", "spec.templates[2].initContainers[0]", "Init container fetch of spec.templates[2]"),
    ], "the steps template runs no pod; the main container is named main, as Argo names it"
    for name in POD_POLICIES:
        assert analyze(P[name], WORKFLOW, wf).passed, name


def test_argo_pod_wide_settings_apply_unless_the_template_overrides_them():
    bare = {"image": "trainer:1.0", "securityContext": {"allowPrivilegeEscalation": False}}
    seccomp = P["kubernetes-pod-seccomp-required"]
    wide = _argo(**_workflow(bare, securityContext={"seccompProfile": {"type": "RuntimeDefault"}}))
    assert analyze(seccomp, WORKFLOW, wide).passed, "the workflow's securityContext is every pod's"
    own = mutate(wide, "spec.templates.1.securityContext", {"seccompProfile": {"type": "Unconfined"}})
    assert analyze(seccomp, WORKFLOW, own).violations == [
        "The pod template spec.templates[1] sets the seccomp profile to Unconfined."
    ], "a template's securityContext replaces the workflow's"
    host = P["kubernetes-pod-hostnamespaces-forbidden"]
    assert analyze(host, WORKFLOW, _argo(**_workflow(bare, hostNetwork=True))).violations == [
        "The pod template spec.templates[1] sets hostNetwork: true."
    ]
    apparmor = P["kubernetes-pod-apparmor-restricted"]
    annotated = _argo(
        **_workflow(
            bare, podMetadata={"annotations": {"container.apparmor.security.beta.kubernetes.io/main": "unconfined"}}
        )
    )
    assert analyze(apparmor, WORKFLOW, annotated).violations, "podMetadata annotations are every pod's"
    script = _argo(**{**_workflow(bare), "templates": [{"name": "s", "script": {**bare, "source": "print(1)"}}]})
    out = analyze(P["kubernetes-pod-runasnonroot-required"], WORKFLOW, script)
    assert out.violations == [
        "Container main of spec.templates[0] may run as root: it does not set runAsNonRoot: true and sets no "
        "runAsUser, so the image's user decides."
    ]


def test_argo_unknown_templates_are_not_passed():
    wf = _argo(**_workflow(SECURE_CONTAINER))
    out = analyze(P["kubernetes-pod-privileged-forbidden"], WORKFLOW, mutate(wf, "spec.templates", UNKNOWN))
    assert out.unknown and not out.violations
    lazy = mutate(wf, "spec.volumes", UNKNOWN)
    assert analyze(P["kubernetes-pod-privileged-forbidden"], WORKFLOW, lazy).passed, (
        "a value unknown at preview stops only the checks that read it"
    )
    assert analyze(P["kubernetes-pod-volumetypes-restricted"], WORKFLOW, lazy).unknown
