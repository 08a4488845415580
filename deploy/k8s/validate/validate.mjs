// Reads rendered manifests (`kubectl kustomize …`) on stdin and validates every document, without a cluster:
// - built-in kinds against the Kubernetes OpenAPI schemas compiled into kubernetes-models;
// - operator kinds (CloudNativePG, RabbitMQ cluster and messaging topology operators, cert-manager, Gateway API) against
//   schemas/*.schema.json, written from the operators' API references for the fields this project uses and checked against
//   their CRDs (unknown fields there are errors).
// A kind with no schema is an error too: nothing passes unchecked. Exit code 1 names each document and rule broken.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import Ajv from "ajv";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as policy from "kubernetes-models/policy/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";

const builtIn = { "v1": core, "apps/v1": apps, "autoscaling/v2": autoscaling, "policy/v1": policy, "networking.k8s.io/v1": networking };
const operatorSchemas = {
  "postgresql.cnpg.io/v1/Cluster": "cnpg-cluster",
  "postgresql.cnpg.io/v1/Pooler": "cnpg-pooler",
  "postgresql.cnpg.io/v1/ScheduledBackup": "cnpg-scheduledbackup",
  "rabbitmq.com/v1beta1/RabbitmqCluster": "rabbitmq-cluster",
  "rabbitmq.com/v1beta1/User": "rabbitmq-user",
  "rabbitmq.com/v1beta1/Permission": "rabbitmq-permission",
  "cert-manager.io/v1/Certificate": "cert-manager-certificate",
  "gateway.networking.k8s.io/v1/Gateway": "gateway-gateway",
  "gateway.networking.k8s.io/v1/HTTPRoute": "gateway-httproute",
};
const ajv = new Ajv({ allErrors: true, strict: true });
const load = (name) => ajv.compile(JSON.parse(readFileSync(new URL(`./schemas/${name}.schema.json`, import.meta.url), "utf8")));

const failures = [];
let checked = 0;
for (const document of parseAllDocuments(readFileSync(0, "utf8"))) {
  if (document.errors.length) { failures.push(`YAML: ${document.errors.map(e => e.message).join("; ")}`); continue; }
  const manifest = document.toJS();
  if (manifest == null) continue;
  const id = `${manifest.apiVersion}/${manifest.kind} ${manifest.metadata?.name ?? "(no name)"}`;
  checked++;
  const models = builtIn[manifest.apiVersion];
  if (models) {
    const Model = models[manifest.kind];
    if (!Model) { failures.push(`${id}: no schema for this kind`); continue; }
    try { new Model(manifest).validate(); } catch (e) { failures.push(`${id}: ${e.message}`); }
    continue;
  }
  const schema = operatorSchemas[`${manifest.apiVersion}/${manifest.kind}`];
  if (!schema) { failures.push(`${id}: no schema for this kind`); continue; }
  const validate = load(schema);
  if (!validate(manifest)) failures.push(`${id}: ${ajv.errorsText(validate.errors, { dataVar: "" })}`);
}
for (const failure of failures) console.error(failure);
console.log(`${checked} documents checked, ${failures.length} invalid`);
process.exit(failures.length || checked === 0 ? 1 : 0);
