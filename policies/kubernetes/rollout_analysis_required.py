"""An Argo Rollouts canary or blue-green deployment is judged by an analysis (Argo Rollouts "Analysis & Progressive
Delivery": https://argoproj.github.io/argo-rollouts/features/analysis/): a canary runs a background analysis or an
analysis step, a blue-green deployment a pre- or post-promotion analysis. Without one nothing aborts a bad
version: the canary advances on its timers alone and no rollback happens unless a person notices (the Google SRE
workbook, "Canarying Releases": a canary needs an evaluation that can fail it).

Advisory, not mandatory: a canary whose steps all wait for ``kubectl argo rollouts promote`` is judged by the person
who promotes it, a legitimate choice this policy cannot see.
"""

from policies.meta import resource_policy
from policies.props import as_list, get

TYPES = ["kubernetes:argoproj.io/v1alpha1:Rollout"]


def check(props, config):
    strategy = get(props, "spec.strategy") or {}
    canary = get(strategy, "canary")
    if canary is not None:
        steps = as_list(get(canary, "steps"))
        if get(canary, "analysis") is None and not any(get(s, "analysis") is not None for s in steps):
            yield "The canary has no analysis (background or step): nothing aborts a bad version automatically."
        return
    blue_green = get(strategy, "blueGreen")
    if blue_green is not None and all(
        get(blue_green, key) is None for key in ("prePromotionAnalysis", "postPromotionAnalysis")
    ):
        yield "The blue-green rollout has no pre- or post-promotion analysis: nothing switches back automatically."


POLICY = resource_policy(
    name="kubernetes-rollout-analysis-required",
    description="Canary and blue-green Rollouts are judged by an analysis that can abort them.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC8.1"],
    remediation=(
        "Name the SLO that judges the deployment (plinth:deployments slo) or set strategy.analysis.successRate; "
        "Plinth then generates the AnalysisTemplate and references it."
    ),
)
