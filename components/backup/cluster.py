"""ClusterBackup: Velero on the stack's cluster - a pinned Helm release or an existing install - with one
BackupStorageLocation per tier in use and the restore drill's script."""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi

from components import conventions, k8s
from components.args import ArgsError, input_error, unknown_keys, validate
from components.backup import velero
from components.backup.component import VeleroArgs
from components.backup.spec import BackupSpec, VeleroSpec, resolve
from components.capability import BuildContext


class ClusterBackupArgs(TypedDict):
    """Velero for the stack's cluster: where backups go per tier and the restore-drill script."""

    environment: str
    """``dev``, ``staging`` or ``prod``."""
    velero: VeleroArgs
    """Velero: install or attach, and the buckets it stores namespace backups in."""
    tiers: list[str]
    """The tiers whose tenants are on the cluster (``free``, ``standard``, ``premium``, ``enterprise``): one
    BackupStorageLocation each."""
    drills: NotRequired[bool]
    """Some tenant has restore drills: ship the drill script."""


class ClusterBackup(pulumi.ComponentResource):
    """Velero for the cluster and the locations every tenant namespace's backups go to."""

    namespace: pulumi.Output[str]
    """Velero's namespace."""
    locations: pulumi.Output[dict[str, str]]
    """Tier -> BackupStorageLocation name."""

    def __init__(self, name: str, args: ClusterBackupArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("ClusterBackup"), name, None, opts)
        try:
            if unknown := unknown_keys(args, ClusterBackupArgs):
                raise ArgsError(unknown)
            spec = validate(VeleroSpec, dict(args.get("velero") or {}), "args.velero")
            environment = str(args.get("environment", ""))
            if environment not in ("dev", "staging", "prod"):
                raise ArgsError([("args.environment", f"must be dev, staging or prod (found {environment!r})")])
            tiers = [str(t) for t in args.get("tiers") or []]
            bad = [t for t in tiers if t not in conventions.TIERS]
            if bad:
                raise ArgsError(
                    [("args.tiers", f"unknown tiers {', '.join(bad)}; tiers are {', '.join(conventions.TIERS)}")]
                )
        except ArgsError as err:
            raise input_error(f"ClusterBackup {name}", err) from None
        child = pulumi.ResourceOptions(parent=self)
        after = child
        #: What tenant schedules wait for: the release (its CRDs) and the locations.
        self.waits: list[pulumi.Resource] = []
        if spec.mode == "install":
            after = self._install(name, spec, environment, child)
        # Backups in the bucket outlive their location object, but a location is where restores come from:
        # kept (protected and retained) like the vaults.
        kept = pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(protect=True, retain_on_delete=True))
        names: dict[str, str] = {}
        for tier in sorted(set(tiers), key=conventions.TIERS.index):
            manifest = velero.location(spec, tier, environment)
            self.waits.append(k8s.register(k8s.child_name(name, f"location-{tier}"), manifest, kept))
            names[tier] = velero.location_name(tier)
        if args.get("drills"):
            self.waits.append(
                k8s.register(k8s.child_name(name, "drill-script"), velero.drill_config_map(spec, environment), after)
            )
        self.namespace = pulumi.Output.from_input(spec.namespace)
        self.locations = pulumi.Output.from_input(names)
        self.register_outputs({"namespace": self.namespace, "locations": self.locations})

    def _install(
        self, name: str, spec: VeleroSpec, environment: str, child: pulumi.ResourceOptions
    ) -> pulumi.ResourceOptions:
        import pulumi_kubernetes as kubernetes

        namespace = k8s.register(
            k8s.child_name(name, "namespace"),
            velero.namespace(spec, environment),
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True)),
        )
        release = kubernetes.helm.v3.Release(
            k8s.child_name(name, velero.CHART),
            name=velero.CHART,
            chart=velero.CHART,
            version=spec.chart_version,
            repository_opts={"repo": velero.HELM_REPO},
            namespace=spec.namespace,
            values=velero.helm_values(spec),
            atomic=True,
            opts=k8s.after(child, namespace),
        )
        self.waits.append(release)
        return k8s.after(child, release)


def build_cluster(ctx: BuildContext, spec: BackupSpec) -> ClusterBackup | None:
    """The cluster's Velero, when the stack has a cluster and tenants."""
    tenants = list(getattr(ctx.config, "tenants", []))
    if spec.velero is None or ctx.config.kubernetes is None or not tenants:
        return None
    drills = False
    for tenant in tenants:
        resolved, _ = resolve(spec, tenant)
        drills = drills or (resolved is not None and resolved.policy.drill.frequency != "none")
    args: dict[str, Any] = {
        "environment": ctx.config.environment,
        "velero": spec.velero.model_dump(exclude_none=True),
        "tiers": sorted({t.tier for t in tenants}, key=conventions.TIERS.index),
        "drills": drills,
    }
    return ClusterBackup(f"{ctx.name}-backup", args, opts=ctx.opts)  # type: ignore[arg-type]
