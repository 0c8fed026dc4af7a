"""The values the Pod Security Standards allow, in one place for the pod policies.

Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (the Baseline and
Restricted profiles, as the built-in Pod Security Admission controller enforces them for
``latest``: k8s.io/pod-security-admission/policy). Where the admission controller relaxes a control
(Windows pods, pods in their own user namespace) the policies relax it the same way.
"""

from __future__ import annotations

#: Baseline "Capabilities": what may be added beyond the runtime's default set - nothing outside it.
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
#: Restricted "Capabilities": containers drop ALL and may add back only this one.
RESTRICTED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})

#: Baseline "Sysctls": the safe, namespaced set (1.27 added ip_local_reserved_ports, 1.29 the TCP keepalive
#: and fin-timeout ones).
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)

#: Baseline "SELinux": the types a pod or container may ask for ("" = unset); user and role must stay unset.
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})

#: Baseline and Restricted "Seccomp" (and "AppArmor"): the profile types allowed; Unconfined is forbidden.
CONFINED_PROFILE_TYPES = frozenset({"RuntimeDefault", "Localhost"})
#: The legacy annotations, still honoured for a pod created without the fields (the API server copies a pod
#: annotation into the field): allowed values and the prefix of a node-local profile.
SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
SECCOMP_ANNOTATION_VALUES = frozenset({"runtime/default", "docker/default"})
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
APPARMOR_ANNOTATION_VALUES = frozenset({"runtime/default"})
LOCALHOST_PREFIX = "localhost/"

#: Baseline "/proc Mount Type": the only value besides unset.
PROC_MOUNT_DEFAULT = "Default"

#: Restricted "Volume Types": the only volume sources a pod may use (hostPath is Baseline's own control).
RESTRICTED_VOLUME_SOURCES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)
#: Keys of a Volume that are not its source.
VOLUME_NON_SOURCE_KEYS = frozenset({"name"})

#: Baseline "Host Probes / Lifecycle Hooks" (1.34): handlers whose ``host`` must stay unset or empty.
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HOOKS = ("postStart", "preStop")
HOST_HANDLERS = ("httpGet", "tcpSocket")

#: Namespace labels of Pod Security Admission and the levels, weakest first.
PSA_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
PSA_LEVELS = ("privileged", "baseline", "restricted")
