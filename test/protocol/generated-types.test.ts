// The committed TypeScript types must be exactly what `npm run gen` makes from schemas/ today.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths.js';

test('generated types are up to date with schemas/ (run `npm run gen` if this fails)', async () => {
  const gen = (await import(join(repoRoot, 'scripts', 'gen-types.mjs'))) as {
    generate(): Promise<Record<string, string>>;
    generatedDir: string;
  };
  const files = await gen.generate();
  assert.ok(Object.keys(files).length >= 5);
  for (const [name, expected] of Object.entries(files)) {
    const actual = readFileSync(join(gen.generatedDir, name), 'utf8');
    assert.equal(actual, expected, `source-azure-client-credentials/generated/${name} is stale: run npm run gen`);
  }
});
