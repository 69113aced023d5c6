// The emulator's property lists (what $select may name) are exactly the v1.0 metadata's, as ../shared/reference/graph-properties.txt records it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENTITY_PROPERTIES } from '../emulator/properties.js';
import { queryProblem, selectable } from '../emulator/query.js';
import { sharedDir } from '../support/paths.js';

/** Entity type -> its structural properties (navigation properties left out), from graph-properties.txt. */
function metadata(): Map<string, Set<string>> {
  const lines = readFileSync(join(sharedDir, 'reference', 'graph-properties.txt'), 'utf8').split('\n');
  const types = new Map<string, Set<string>>();
  lines.forEach((line, i) => {
    const header = /^## <EntityType Name="(\w+)" BaseType="graph\.(\w+)"/.exec(line);
    if (!header) return;
    // "All entities inherit id; directoryObject adds deletedDateTime" (the file's first line).
    const inherited = header[2] === 'directoryObject' ? ['id', 'deletedDateTime'] : ['id'];
    const own = lines[i + 1]!.split(', ')
      .filter((p) => !p.endsWith('(nav)'))
      .map((p) => p.split(':')[0]!);
    types.set(header[1]!, new Set([...inherited, ...own]));
  });
  return types;
}

test('ENTITY_PROPERTIES lists exactly the structural properties of every entity type in graph-properties.txt', () => {
  const types = metadata();
  assert.ok(types.size >= 8, `only ${types.size} entity types read from graph-properties.txt`);
  for (const [type, properties] of types) {
    const listed = ENTITY_PROPERTIES[type];
    assert.ok(listed, `properties.ts has no ${type}`);
    assert.deepEqual([...listed].sort(), [...properties].sort(), type);
  }
});

test('a type the metadata file does not list yet is declared beside its route; an undeclared one fails loudly', () => {
  const rules = {
    service: 'directory' as const,
    options: ['$select', '$top'],
    select: selectable('application', ['id', 'appId', 'keyCredentials']),
  };
  assert.equal(queryProblem(rules, new URLSearchParams('$select=id,AppId&$top=5')), undefined);
  const refused = queryProblem(rules, new URLSearchParams('$select=id,owners'));
  assert.equal(refused?.status, 400);
  assert.match(refused!.body.toString(), /Could not find a property named 'owners' on type 'microsoft\.graph\.application'/);
  assert.equal(queryProblem(rules, new URLSearchParams('$orderby=displayName'))?.status, 400);
  assert.throws(() => selectable('application'), /declare them beside its route/);
});
