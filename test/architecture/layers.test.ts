// The connector's rooms and what each may import (the README's "Project layout"): a new import across the plan fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths.js';

const sourceDir = join(repoRoot, 'source-azure-client-credentials');

/** Each room: the files it holds (first match wins) and the rooms its files may import from. */
const ROOMS: { room: string; holds: RegExp; may: readonly string[] }[] = [
  // Ground floor: protocol shapes, errors, logging, secrets, files, endpoints, schemas, generated types. Imports nothing above.
  {
    room: 'ground',
    holds: /^(protocol|values|secrets|schemas|validation|admin-center|errors|logger|files|endpoints|user-properties)\.ts$|^generated\//,
    may: ['ground'],
  },
  // Settings: the config as loaded once (options, endpoints, the checked credential).
  { room: 'settings', holds: /^(config|config-schema|credentials)\.ts$/, may: ['ground', 'settings'] },
  // What streams and commands may know of the Graph client: the contract, the error table and its checks, URL helpers.
  {
    room: 'graph contract',
    holds: /^graph\/(types|errors|error-policy|urls|for-stream)\.ts$/,
    may: ['ground', 'graph contract'],
  },
  // The client's insides: transport, tokens, pacing, retries, paging, batching. Only the entry (app.ts) builds it.
  { room: 'graph', holds: /^graph\//, may: ['ground', 'settings', 'graph contract', 'graph'] },
  // Streams see the client only through its contract.
  { room: 'streams', holds: /^streams\//, may: ['ground', 'settings', 'graph contract', 'streams'] },
  // Reading the catalog and state, judging permissions: between streams and commands.
  {
    room: 'planning',
    holds: /^(catalog|stream-catalog|state|permissions|diagnosis)\.ts$/,
    may: ['ground', 'settings', 'graph contract', 'streams', 'planning'],
  },
  { room: 'commands', holds: /^commands\//, may: ['ground', 'settings', 'graph contract', 'streams', 'planning'] },
  // The entry: argv in, exit code out; launch/ wires each command (imported only when it runs); the only room that builds the Graph client.
  {
    room: 'entry',
    holds: /^(main|app|cli)\.ts$|^launch\//,
    may: ['ground', 'settings', 'graph contract', 'graph', 'streams', 'planning', 'commands', 'entry'],
  },
];

function roomOf(file: string): string {
  const found = ROOMS.find((r) => r.holds.test(file));
  assert.ok(found, `${file} belongs to no room: add it to ROOMS and to the README's "Project layout"`);
  return found.room;
}

function sourceFiles(dir = sourceDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative(sourceDir, path).split('\\').join('/')] : [];
  });
}

/** The project files a module imports (relative specifiers, type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(sourceDir, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.endsWith('.js'))
    .map((s) =>
      normalize(join(dirname(file), s))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts'),
    );
}

test('every module imports only from the rooms its room may use', () => {
  const files = sourceFiles();
  assert.ok(files.length > 30, `found ${files.length} modules`);
  const allowed = new Map(ROOMS.map((r) => [r.room, new Set(r.may)]));
  const violations: string[] = [];
  for (const file of files) {
    const room = roomOf(file);
    for (const target of importsOf(file)) {
      const targetRoom = roomOf(target);
      if (!allowed.get(room)!.has(targetRoom)) violations.push(`${file} (${room}) imports ${target} (${targetRoom})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the rule can fail: a stream importing the client, or the ground floor importing a stream, is reported', () => {
  const allowed = new Map(ROOMS.map((r) => [r.room, new Set(r.may)]));
  assert.equal(roomOf('streams/users.ts'), 'streams');
  assert.equal(allowed.get('streams')!.has(roomOf('graph/client.ts')), false);
  assert.equal(allowed.get('ground')!.has(roomOf('streams/types.ts')), false);
  assert.equal(allowed.get('graph')!.has(roomOf('diagnosis.ts')), false);
});
