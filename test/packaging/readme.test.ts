// README.md is the connector's docs page: Airbyte's ten sections in order, every stream of STREAMS documented with its
// endpoint, primary key and cursor, the two set-up commands before the first section and real, one image name throughout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { repoRoot } from '../support/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The sections of a source's docs page, in the order Airbyte's best pages use. */
const SECTIONS = [
  'What it syncs',
  'Prerequisites',
  'Setup guide',
  'Configuration reference',
  'Supported streams',
  'Performance considerations',
  'Limitations',
  'Data privacy',
  'Troubleshooting',
  'Changelog',
];

/** Level-2 headings, in order, outside fenced code blocks. */
function headings(text: string, level: number): { title: string; at: number }[] {
  const out: { title: string; at: number }[] = [];
  let fenced = false;
  let at = 0;
  const prefix = `${'#'.repeat(level)} `;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (!fenced && line.startsWith(prefix)) out.push({ title: line.slice(prefix.length).trim(), at });
    at += line.length + 1;
  }
  return out;
}

/** The text of the level-2 section `title`, up to the next level-2 heading. */
function section(title: string): string {
  const all = headings(readme, 2);
  const index = all.findIndex((h) => h.title === title);
  assert.ok(index >= 0, `README has a "## ${title}" section`);
  return readme.slice(all[index]!.at, all[index + 1]?.at ?? readme.length);
}

/** The text of the level-3 section `### name` inside `within`, up to the next level-3 or level-2 heading. */
function subsection(within: string, name: string): string {
  const all = headings(within, 3);
  const index = all.findIndex((h) => h.title === name);
  assert.ok(index >= 0, `"### ${name}" exists (heading exactly the stream name, so #${name} links to it)`);
  return within.slice(all[index]!.at, all[index + 1]?.at ?? within.length);
}

/** The line of a "- **Label**: ..." bullet in a stream section, with its continuation lines. */
function bullet(text: string, label: string): string {
  const match = new RegExp(`^- \\*\\*${label}\\*\\*:(.*(?:\\n {2}\\S.*)*)`, 'm').exec(text);
  assert.ok(match, `a "- **${label}**:" line`);
  return match[1]!;
}

const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

test('the ten sections of a docs page exist in order, and each only once', () => {
  const titles = headings(readme, 2).map((h) => h.title);
  const found = titles.filter((t) => SECTIONS.includes(t));
  assert.deepEqual(found, SECTIONS);
});

test('every stream of STREAMS has a section naming its endpoint, primary key and cursor', () => {
  const streams = section('Supported streams');
  for (const stream of STREAMS) {
    const text = subsection(streams, stream.name);
    const endpoint = bullet(text, 'Endpoint');
    // The paths the stream's check probes are the endpoints it reads; each must be named, under /v1.0.
    for (const probe of stream.probes)
      assert.ok(endpoint.includes(`/v1.0${probe.path}`), `${stream.name}: endpoint names /v1.0${probe.path}`);
    assert.ok(bullet(text, 'Permission').trim().length > 0, `${stream.name}: permission`);
    const keys = stream.primaryKey.map((path) => path.join('.'));
    // The key fields come first; a parenthesis may explain them.
    assert.deepEqual(backticked(bullet(text, 'Primary key').split('(')[0]!), keys, `${stream.name}: primary key`);
    const cursor = bullet(text, 'Cursor');
    if (stream.cursorField) assert.equal(backticked(cursor)[0], stream.cursorField.join('.'), `${stream.name}: cursor`);
    else assert.match(cursor, /^ none \(full refresh only/, `${stream.name}: no cursor, full refresh only`);
    assert.match(text, /- \*\*Example\*\*:[^\n]*\n {2}```sql\n[\s\S]*?\bFROM\b/, `${stream.name}: an example SQL query`);
    assert.ok(new RegExp(`\\bFROM\\s+\\(?[^)]*?\\b${stream.name}\\b`).test(text), `${stream.name}: the example reads its table`);
  }
  // And no section for a stream the connector does not have.
  const documented = headings(streams, 3).map((h) => h.title);
  assert.deepEqual(documented.sort(), STREAMS.map((s) => s.name).sort());
});

test('the streams table of "What it syncs" lists every stream with its sync modes, keys and cursor', () => {
  const rows = new Map<string, string[]>();
  for (const line of section('What it syncs').split('\n')) {
    const match = /^\| \[`([a-z0-9_]+)`\]\(#[a-z0-9_]+\) \|(.*)\|$/.exec(line);
    if (match)
      rows.set(
        match[1]!,
        match[2]!.split('|').map((cell) => cell.trim()),
      );
  }
  assert.deepEqual([...rows.keys()].sort(), STREAMS.map((s) => s.name).sort());
  for (const stream of STREAMS) {
    const [, modes, key, cursor] = rows.get(stream.name)!;
    assert.equal(modes!.includes('incremental'), stream.supportedSyncModes.includes('incremental'), `${stream.name}: sync modes`);
    assert.deepEqual(
      backticked(key!),
      stream.primaryKey.map((p) => p.join('.')),
      `${stream.name}: primary key`,
    );
    assert.equal(cursor, stream.cursorField ? `\`${stream.cursorField.join('.')}\`` : 'none', `${stream.name}: cursor`);
  }
});

test('the two set-up commands come before the first section and run scripts package.json has', () => {
  const before = readme.slice(0, headings(readme, 2)[0]!.at);
  const commands = [...before.matchAll(/^npm ci && (npm (?:run [a-z:-]+|test))\b/gm)].map((m) => m[1]!);
  assert.deepEqual(commands, ['npm run demo', 'npm test'], 'demo first, then the test suite');
  for (const command of commands) {
    const script = command === 'npm test' ? 'test' : command.slice('npm run '.length);
    assert.ok(pkg.scripts[script], `package.json has the script "${script}"`);
  }
  assert.match(section('Try it without Azure'), /npm ci && npm run demo/, 'the demo section repeats its command');
});

test('the image has one name everywhere in the README: <your-registry>/source-azure-client-credentials', () => {
  // Any reference to an image of this connector: something/source-azure-client-credentials, with or without a tag.
  const references = [...readme.matchAll(/([^\s`'"(=]+)\/source-azure-client-credentials\b(:[^\s`'"]+)?/g)];
  assert.ok(references.length >= 4, 'the setup guide names the image when it builds, pushes, loads and adds it');
  for (const [whole, registry] of references) assert.equal(registry, '<your-registry>', `${whole} uses another registry`);
  const tags = new Set(references.map((m) => m[2]).filter(Boolean));
  assert.deepEqual([...tags], [':<version>'], 'one tag placeholder');
  assert.doesNotMatch(readme, /\bairbyte\/source-azure-client-credentials/, 'not in the airbyte/ namespace, which belongs to Airbyte Inc.');
});

test("the changelog is Airbyte's table: version, date, pull request or commit id, subject", () => {
  const rows = section('Changelog')
    .split('\n')
    .filter((line) => /^\| \d/.test(line))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  assert.match(section('Changelog'), /^\| version \| date \| pull request \/ commit \| subject \|$/m);
  assert.ok(rows.length > 0);
  for (const [version, date, reference, subject] of rows) {
    assert.match(version!, /^\d+\.\d+\.\d+/);
    assert.match(date!, /^\d{4}-\d{2}-\d{2}$/);
    assert.match(reference!, /^([0-9a-f]{7,40}|#\d+|\[#\d+\]\(.+\))$/);
    assert.ok(subject!.length > 10);
  }
});
