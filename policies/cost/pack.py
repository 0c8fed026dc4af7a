"""The plinth-cost pack: instance families and GPUs per tenant tier, and a monthly budget.

Membership is this list: a policy is in the pack because it is imported and named here (each policy
is in exactly one pack; tests/policies/test_packs.py checks it). Importable without the policy SDK;
__main__.py hands the pack to policies.sdk.serve, which builds the PolicyPack.
"""

from policies.aws import (
    ec2_instance_type_allowed,
)
from policies.kubernetes import (
    pod_gpu_limited,
)
from policies.stack import (
    cost_budget_limited,
)

NAME = "plinth-cost"
POLICIES = tuple(
    module.POLICY
    for module in (
        ec2_instance_type_allowed,
        pod_gpu_limited,
        cost_budget_limited,
    )
)
INITIAL_CONFIG = None
