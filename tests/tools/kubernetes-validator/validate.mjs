// Validates Kubernetes manifests offline against the Kubernetes schemas (npm kubernetes-models): every YAML document
// of every file named on the command line. Prints one line per problem and exits 1 when there is any, 0 otherwise.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let problems = 0;
const problem = (text) => { problems++; console.log(text); };

for (const file of process.argv.slice(2)) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"), { uniqueKeys: true, strict: true });
  for (const [index, document] of documents.entries()) {
    const where = `${file} document ${index + 1}`;
    for (const error of [...document.errors, ...document.warnings]) problem(`${where}: YAML: ${error.message}`);
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      problem(`${where}: no apiVersion or kind`);
      continue;
    }

    let model;
    try {
      model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
    } catch {
      problem(`${where}: unknown kind ${apiVersion} ${kind}`);
      continue;
    }

    try {
      new model(object).validate();
      console.log(`${where}: ${apiVersion} ${kind} ${object.metadata?.name}: valid`);
    } catch (error) {
      problem(`${where}: ${apiVersion} ${kind} ${object.metadata?.name}: ${error.message}`);
    }
  }
}

console.log(`${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
