// Generates the TypeScript types of the client from Echo's committed documents:
//
//   node scripts/generate.mjs --openapi <openapi.json> --schemas <dir> \
//     --asyncapi <notifier.json> --out <dir>
//
// - <out>/rest.ts: the gateway's REST API, by openapi-typescript (paths, operations and
//   components, what openapi-fetch is typed with);
// - <out>/contracts.ts: every event, live message and REST model, by
//   json-schema-to-typescript, from contracts/schemas/*.json;
// - <out>/live.ts: the notifier's live messages (`LiveMessage`), by json-schema-to-typescript,
//   from the components of docs/asyncapi/notifier.json.
//
// Python's `python -m services.devstack.generate` calls this; run that, not this, so every
// generated artefact of the project changes together.
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import { compile } from "json-schema-to-typescript";

const BANNER = (source) =>
  `// Generated from ${source} by clients/typescript/scripts/generate.mjs.\n` +
  "// Do not edit: run `python -m services.devstack.generate`.\n";

const { values } = parseArgs({
  options: {
    openapi: { type: "string" },
    schemas: { type: "string" },
    asyncapi: { type: "string" },
    out: { type: "string" },
  },
});
if (!values.openapi || !values.schemas || !values.asyncapi || !values.out) {
  throw new Error("usage: generate.mjs --openapi FILE --schemas DIR --asyncapi FILE --out DIR");
}
await mkdir(values.out, { recursive: true });

// REST: openapi-typescript, unknown properties not admitted (no index signatures).
const document = JSON.parse(await readFile(values.openapi, "utf8"));
const rest = astToString(await openapiTS(document, { alphabetize: true }));
await writeFile(path.join(values.out, "rest.ts"), BANNER("docs/openapi.json") + "\n" + rest);

// Pydantic titles every property too ("Job Id"); json-schema-to-typescript would make each a
// named alias (`JobId1 = string`), so only the models and enums keep their titles.
const untitled = (node, keep) => {
  if (Array.isArray(node)) return node.map((item) => untitled(item, false));
  if (node === null || typeof node !== "object") return node;
  // A `$ref` with siblings (pydantic adds the property's description) is read as a new
  // schema, emitted as a numbered copy (`JobKind9`): keep the reference alone.
  if (typeof node.$ref === "string") return { $ref: node.$ref };
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "title" && !keep) continue;
    copy[key] = key === "properties"
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, untitled(v, false)]))
      : untitled(value, false);
  }
  return copy;
};

// Both others: one schema holding every model as a definition, so each shared type
// (BlobRef, JobKind, ...) is emitted once, and a union of the chosen models as its root.
async function compileModels(definitions, rootNames, title, description, source) {
  const schema = JSON.parse(
    JSON.stringify({
      title,
      description,
      anyOf: rootNames.map((name) => ({ $ref: `#/definitions/${name}` })),
      definitions,
    })
      .replaceAll('"#/$defs/', '"#/definitions/')
      .replaceAll('"#/components/schemas/', '"#/definitions/'),
  );
  return compile(schema, title, {
    bannerComment: BANNER(source),
    // Pydantic leaves additionalProperties out (consumers ignore unknown fields at run
    // time); the types still name only the known ones.
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    strictIndexSignatures: true,
    style: { singleQuote: false, printWidth: 100 },
  });
}

// contracts/schemas/*.json: each file's `$defs` use pydantic's names, the same across files.
const definitions = {};
const names = [];
const files = (await readdir(values.schemas)).filter((f) => f.endsWith(".json")).sort();
for (const file of files) {
  const schema = JSON.parse(await readFile(path.join(values.schemas, file), "utf8"));
  const { $defs = {}, ...model } = schema;
  const name = path.basename(file, ".json");
  names.push(name);
  for (const [key, value] of Object.entries({ ...$defs, [name]: model })) {
    definitions[key] ??= untitled(value, true);
  }
}
await writeFile(
  path.join(values.out, "contracts.ts"),
  await compileModels(
    definitions, names, "EchoContract", "Any model of Echo's contracts.", "contracts/schemas/*.json",
  ),
);

// docs/asyncapi/notifier.json: every message of the live connection, both directions
// (src/live.ts narrows it to what the server sends).
const notifier = JSON.parse(await readFile(values.asyncapi, "utf8"));
const liveDefinitions = Object.fromEntries(
  Object.entries(notifier.components.schemas).map(([k, v]) => [k, untitled(v, true)]),
);
const liveMessages = Object.entries(liveDefinitions)
  .filter(([, schema]) => schema.properties?.type)
  .map(([name]) => name)
  .sort();
await writeFile(
  path.join(values.out, "live.ts"),
  await compileModels(
    liveDefinitions,
    liveMessages,
    "LiveProtocolMessage",
    "Any message of the live connection: `AuthRefresh` is the browser's, the others the server's.",
    "docs/asyncapi/notifier.json",
  ),
);
