// Loads the live server's schema the way GraphiQL, graphql-codegen and the Apollo and Relay
// compilers do (graphql-js's own introspection query, every option on), builds a client schema
// from the answer and compares it with the committed SDL.
//
//   node introspect.mjs http://127.0.0.1:8000/graphql ../../schema.graphql
//
// Exits 0 when the two schemas print the same, 1 with the first difference otherwise.

import { readFileSync } from "node:fs";
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from "graphql";

const [url, sdlPath] = process.argv.slice(2);
if (!url || !sdlPath) {
  console.error("usage: node introspect.mjs GRAPHQL_URL SCHEMA_FILE");
  process.exit(2);
}

const query = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});

const response = await fetch(url, {
  method: "POST",
  headers: {
    "content-type": "application/json",
    accept: "application/graphql-response+json",
  },
  body: JSON.stringify({ query, operationName: "IntrospectionQuery" }),
});
const body = await response.json();
if (response.status !== 200 || body.errors) {
  console.error(`introspection refused (${response.status}): ${JSON.stringify(body.errors)}`);
  process.exit(1);
}

const print = (schema) => printSchema(lexicographicSortSchema(schema));
const live = print(buildClientSchema(body.data));
const committed = print(buildSchema(readFileSync(sdlPath, "utf8")));
if (live !== committed) {
  const a = live.split("\n");
  const b = committed.split("\n");
  const at = a.findIndex((line, i) => line !== b[i]);
  console.error(`the live schema differs from ${sdlPath} at line ${at + 1}:`);
  console.error(`  live:      ${a[at]}`);
  console.error(`  committed: ${b[at]}`);
  process.exit(1);
}
console.log(`introspection: the live schema equals ${sdlPath} (${a_count(live)} lines)`);

function a_count(text) {
  return text.split("\n").length;
}
