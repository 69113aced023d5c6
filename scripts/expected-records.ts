// Regenerates integration_tests/expected_records.jsonl from the emulator's seeded tenant (npm run expected-records).
import { writeFileSync } from 'node:fs';
import { EXPECTED_RECORDS_FILE, generateExpectedRecords } from '../test/support/expected-records.js';

// Two reads of two fresh emulators must agree: if the seeded tenant depended on the clock or on
// chance, the file would not describe a reproducible tenant and the comparison against it would flap.
const first = await generateExpectedRecords();
const second = await generateExpectedRecords();
if (first.join('\n') !== second.join('\n')) {
  console.error('The seeded tenant is not reproducible: two reads of seed 42 differ. expected_records.jsonl was not written.');
  process.exit(1);
}
writeFileSync(EXPECTED_RECORDS_FILE, first.map((line) => `${line}\n`).join(''));
const counts = new Map<string, number>();
for (const line of first) {
  const stream = (JSON.parse(line) as { stream: string }).stream;
  counts.set(stream, (counts.get(stream) ?? 0) + 1);
}
console.log(`Wrote ${first.length} records to ${EXPECTED_RECORDS_FILE}: ${[...counts].map(([s, n]) => `${s} ${n}`).join(', ')}.`);
