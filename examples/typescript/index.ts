// One tenant and its monitoring, from TypeScript, with Plinth's components through the plinth plugin.
//
// "@pulumi/plinth" is the SDK the Pulumi CLI generates from the plugin's package schema (`pulumi install`
// or `pulumi package add ../..`). It is not committed: this file is written against the schema, whose
// snapshot is schema.json at the repository root (tests/plugin/test_examples.py checks every resource
// type, property name and output used here against it). Names are the schema's: camelCase.
import * as pulumi from "@pulumi/pulumi";
import * as plinth from "@pulumi/plinth";

const config = new pulumi.Config();

// The generated SDK's type for the Tenant's arguments: a typo or a missing required property is a
// compile error. Properties the schema marks plain take plain values, not Outputs.
const acmeArgs: plinth.TenantArgs = {
    id: "acme",
    displayName: "Acme Corp",
    tier: "standard",
    costCenter: "cc-1042",
    environment: "dev",
    ownerGroups: { admins: ["acme-platform-admins"], viewers: ["acme-developers"] },
    compliance: ["gdpr"],
    dataResidency: "eu",
    cloud: "aws",
    quotas: { cpu: "16", memory: "64Gi", pods: 80 },
    allowedEgress: [{ cidr: "52.95.0.0/16", ports: [443] }],
    tags: { team: "payments" },
    stackTags: { "managed-by": "plinth", environment: "dev" },
    cluster: {
        oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        distribution: "eks",
    },
    aws: { region: "eu-west-1", accountId: config.require("awsAccountId") },
};
const acme = new plinth.Tenant("acme", acmeArgs);

const monitoring = new plinth.MonitoringStack(
    "monitoring",
    {
        environment: "dev",
        cluster: {
            oidcIssuerUrl: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
            distribution: "eks",
        },
        tenantNamespaces: { acme: "tenant-acme" },
        slos: [
            {
                name: "latency",
                service: "checkout",
                tenant: "acme",
                objective: 99,
                period: "28d",
                sli: {
                    latency: {
                        bucketMetric: "http_request_duration_seconds_bucket",
                        thresholdSeconds: 0.3,
                        selector: 'job="checkout"',
                    },
                },
                alerting: { name: "CheckoutLatency", pagePriority: "P0", ticketPriority: "P2" },
            },
        ],
        alerting: {
            // routingKey is a pulumi.Input<string>: a secret from config stays a secret.
            receivers: [{ name: "oncall", pagerduty: { routingKey: config.requireSecret("pagerdutyRoutingKey") } }],
            routes: { P0: "oncall", P1: "oncall", P2: "oncall", P3: "oncall" },
        },
    },
    // The PodMonitor and ServiceMonitor of the tenant select its namespace.
    { dependsOn: [acme] },
);

export const namespace = acme.namespace;
export const dataBucket = acme.aws.apply((aws) => aws?.bucket);
export const workloadRole = acme.aws.apply((aws) => aws?.roleArn);
export const slos = monitoring.slos;
