// Runs every server audit of graphql-http (the GraphQL-over-HTTP reference suite) against a
// running Papers server and fails when a MUST or SHOULD audit fails. MAY audits are reported
// but do not fail the run.
//
//   node audit.mjs http://127.0.0.1:8000/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2] ?? 'http://127.0.0.1:8000/graphql';
const audits = serverAudits({ url, fetchFn: fetch });

let failedRequired = 0;
const counts = { ok: 0, warn: 0, error: 0 };
for (const audit of audits) {
  const result = await audit.fn();
  counts[result.status] = (counts[result.status] ?? 0) + 1;
  const level = audit.name.split(' ')[0];
  if (result.status === 'ok') continue;
  const required = level === 'MUST' || level === 'SHOULD';
  if (required) failedRequired += 1;
  console.log(`${required ? 'FAIL' : 'note'} ${audit.id} ${audit.name}: ${result.reason}`);
}
const passed = counts.ok;
const failed = audits.length - passed;
console.log(`graphql-http audits: ${passed} passed, ${failed} not passed (${failedRequired} MUST/SHOULD)`);
process.exit(failedRequired === 0 ? 0 : 1);
