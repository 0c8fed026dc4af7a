"""Grafana's admin login for the kube-prometheus-stack chart: from a Secret, never a chart default.

kube-prometheus-stack sets ``grafana.adminPassword: prom-operator`` in its values. Unsetting it
with a null value is not reliable (pulumi-kubernetes before 4.30 dropped null Helm values, and
Pulumi's Python SDK drops ``None`` in maps before they reach the provider, pulumi/pulumi#12178),
so Plinth points the Grafana subchart at a Secret instead: ``admin.existingSecret`` / ``admin.userKey`` /
``admin.passwordKey`` (grafana/helm-charts charts/grafana values.yaml). With ``existingSecret``
set, the chart creates no admin keys of its own (templates/secret.yaml) and the Grafana container
reads ``GF_SECURITY_ADMIN_USER`` / ``GF_SECURITY_ADMIN_PASSWORD`` from that Secret (templates/_pod.tpl).
Pure functions; the component generates the password (pulumi_random) and registers the Secret.
"""

from __future__ import annotations

from typing import Any, Mapping

#: The Secret Plinth creates when no ``grafana.adminSecret`` is configured.
ADMIN_SECRET = "plinth-grafana-admin"
#: The chart's default key names, also what an existing ``adminSecret`` must contain.
USER_KEY = "admin-user"
PASSWORD_KEY = "admin-password"
ADMIN_USER = "admin"
#: Generated passwords: 32 letters and digits (about 190 bits).
PASSWORD_LENGTH = 32


def admin_values(secret_name: str) -> dict[str, Any]:
    """The ``grafana`` values that make the admin login come from ``secret_name``."""
    return {"admin": {"existingSecret": secret_name, "userKey": USER_KEY, "passwordKey": PASSWORD_KEY}}


def admin_secret(namespace: str, labels: Mapping[str, str], password: Any) -> dict[str, Any]:
    """The generated admin Secret; ``password`` is a Pulumi secret output."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {"name": ADMIN_SECRET, "namespace": namespace, "labels": dict(labels)},
        "stringData": {USER_KEY: ADMIN_USER, PASSWORD_KEY: password},
    }
