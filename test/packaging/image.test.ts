// The Docker image without Docker: its layout and labels agree with metadata.yaml and package.json, and the staged image runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { IMAGE_NODE_OPTIONS } from '../../scripts/bench-run.js';
import { CLOUDS } from '../../source-azure-client-credentials/endpoints.js';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunOptions, runConnector } from '../support/connector.js';
import { installDirOf, npmCommand, readDockerfile, type StagedImage, stageImage } from '../support/image.js';
import { loadedModules } from '../support/loaded-modules.js';
import { repoRoot } from '../support/paths.js';

const readJson = (path: string) => JSON.parse(readFileSync(join(repoRoot, path), 'utf8'));
const pkg = readJson('package.json') as {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const metadata = parseYaml(readFileSync(join(repoRoot, 'metadata.yaml'), 'utf8')) as {
  metadataSpecVersion: string;
  data: Record<string, any>;
};
const image = readDockerfile();
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const streamNames = STREAMS.map((s) => s.name);

describe('Dockerfile, metadata.yaml and package.json agree', () => {
  test('multi-stage build on Node 22 slim/alpine: compiled in a build stage, production dependencies only in the image', () => {
    assert.ok(image.stages.length >= 2, 'the Dockerfile should have a build stage and a final stage');
    for (const stage of image.stages) assert.match(stage.from, /^node:22[.-](.*-)?(slim|alpine)/, `base image ${stage.from}`);
    const build = image.stages[0];
    const buildRuns = build.instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' && ');
    assert.match(buildRuns, /npm ci\b/);
    assert.match(buildRuns, /npm run build\b/);
    assert.match(buildRuns, /npm pack\b/, 'the image holds what npm pack ships ("files" in package.json)');
    assert.match(buildRuns, /package-lock\.json/, 'the lockfile goes along, so the final npm ci is pinned');
    const ci = npmCommand(image, 'npm ci');
    assert.ok(ci.includes('--omit=dev'), `the final stage's npm ci should omit dev dependencies: ${ci.join(' ')}`);
    assert.doesNotMatch(image.runs.join(' '), /npm run build|tsc\b/, 'nothing is compiled in the final stage');
    const copy = image.final.instructions.find((i) => i.keyword === 'COPY' && i.args.startsWith('--from='))!;
    assert.equal(copy.args.split(' ')[0], `--from=${build.name}`, 'the final stage copies the build stage output');
  });

  test('ENTRYPOINT is absolute, runs the package bin, and AIRBYTE_ENTRYPOINT equals it', () => {
    const entrypoint = image.entrypoint;
    assert.ok(entrypoint, 'ENTRYPOINT must use the exec (JSON) form');
    assert.equal(entrypoint[0], 'node');
    assert.ok(posix.isAbsolute(entrypoint[1]), `the script path must be absolute: ${entrypoint[1]}`);
    assert.equal(image.env.AIRBYTE_ENTRYPOINT, entrypoint.join(' '));
    assert.deepEqual(Object.keys(pkg.bin), [pkg.name]);
    assert.equal(
      entrypoint[1],
      posix.join(installDirOf(image), pkg.bin[pkg.name]),
      'the entrypoint is the package bin inside the install folder',
    );
    assert.equal(entrypoint.length, 2, 'no extra arguments: Airbyte appends the command itself');
  });

  test('NODE_OPTIONS of the image is what the benchmark measures with', () => {
    assert.equal(image.env.NODE_OPTIONS, IMAGE_NODE_OPTIONS);
  });

  test('runs as airbyte (uid 1000) with a writable /airbyte as the working directory', () => {
    assert.equal(image.user, 'airbyte');
    const runs = image.runs.flatMap((run) => run.split('&&').map((part) => part.trim()));
    const useradd = runs.find((c) => /^useradd\b/.test(c));
    assert.ok(useradd, 'a RUN creates the airbyte user');
    assert.match(useradd, /(--uid|-u) 1000\b/);
    assert.match(useradd, /\sairbyte$/);
    // The official node images already give uid 1000 to `node`; it has to go first or useradd fails.
    const userdel = runs.findIndex((c) => /^userdel\b.*\snode$/.test(c));
    assert.ok(userdel >= 0 && userdel < runs.indexOf(useradd), 'the node user (uid 1000) is removed before airbyte is created');
    assert.ok(
      runs.some((c) => /^chown\b.*\bairbyte(:airbyte)?\s+(.*\s)?\/airbyte\/?(\s|$)/.test(c)),
      'a RUN gives /airbyte to the airbyte user',
    );
    assert.equal(image.workdir, '/airbyte');
    const userLine = image.final.instructions.findLast((i) => i.keyword === 'USER')!.line;
    const lastRun = image.final.instructions.findLast((i) => i.keyword === 'RUN')!.line;
    assert.ok(userLine > lastRun, 'USER airbyte comes after every RUN (nothing else runs as root at run time)');
  });

  test('labels, metadata.yaml and package.json name the same image and version', () => {
    const data = metadata.data;
    assert.equal(metadata.metadataSpecVersion, '1.0');
    assert.equal(image.labels['io.airbyte.name'], data.dockerRepository);
    assert.equal(image.labels['io.airbyte.version'], data.dockerImageTag);
    assert.equal(data.dockerImageTag, pkg.version);
    assert.equal(data.dockerRepository.split('/').at(-1), pkg.name);
    assert.equal(data.githubIssueLabel, pkg.name);
    assert.equal(data.license, pkg.license);
    assert.equal(data.documentationUrl, readJson('schemas/spec.json').documentationUrl);
  });

  test('metadata.yaml has the fields Airbyte reads', () => {
    const data = metadata.data;
    for (const field of [
      'name',
      'definitionId',
      'connectorType',
      'connectorSubtype',
      'dockerRepository',
      'dockerImageTag',
      'documentationUrl',
      'githubIssueLabel',
      'license',
      'releaseStage',
      'supportLevel',
      'tags',
    ]) {
      assert.ok(data[field], `metadata.yaml data.${field} is missing`);
    }
    assert.match(data.definitionId, UUID_V4);
    assert.equal(data.connectorType, 'source');
    assert.equal(data.connectorSubtype, 'api');
    assert.ok(data.tags.includes('language:typescript'));
    assert.ok(Number.isInteger(data.maxSecondsBetweenMessages) && data.maxSecondsBetweenMessages >= 600);
    assert.deepEqual(data.suggestedStreams.streams, streamNames);
  });

  test('allowedHosts covers the login and Graph host of every supported cloud', () => {
    const allowed = new Set(metadata.data.allowedHosts.hosts as string[]);
    const needed = new Set(Object.values(CLOUDS).flatMap((c) => [new URL(c.authorityHost).hostname, new URL(c.graphRoot).hostname]));
    assert.deepEqual(
      [...needed].filter((h) => !allowed.has(h)),
      [],
    );
    assert.deepEqual(
      [...allowed].filter((h) => !needed.has(h)),
      [],
      'no host the connector never calls',
    );
  });

  test('.dockerignore lets in exactly what the build stage copies', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    assert.equal(ignore[0], '*', 'everything is excluded unless listed');
    const allowed = ignore.slice(1).map((l) => l.replace(/^!/, '').replace(/\/$/, ''));
    const copied = image.stages[0].instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(' ').slice(0, -1))
      .map((p) => p.replace(/\/$/, ''));
    assert.deepEqual(new Set(allowed), new Set(copied));
    for (const path of copied) assert.ok(existsSync(join(repoRoot, path)), `${path} is copied but does not exist`);
  });
});

describe('the staged image (npm pack + npm ci --omit=dev) runs against the emulator', () => {
  let staged: StagedImage;
  let emulator: Emulator;
  let run: (args: string[], options?: RunOptions) => ReturnType<typeof runConnector>;

  before(async () => {
    staged = stageImage();
    // Time scale 20: the connector paces sign-ins at 5 requests per 0.5 s instead of per 10 s, as the emulator then allows.
    emulator = await startEmulator({
      seed: 42,
      sizes: { users: 25, servicePrincipals: 10, groups: 4, bigGroupSizes: [], assignments: 30, signIns: 40 },
      throttling: { enabled: true, timeScale: 20 },
    });
    run = (args, options = {}) =>
      runConnector(args, { command: staged.command, cwd: staged.cwd, env: emulator.env, timeoutMs: 60_000, ...options });
  });
  after(async () => {
    await emulator?.stop();
    staged?.cleanup();
  });

  test('the package ships the bundled connector and its schemas, nothing else', () => {
    const outside = staged.packedFiles.filter(
      (f) => !f.startsWith('dist/bundle/') && !f.startsWith('schemas/') && !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f),
    );
    assert.deepEqual(outside, []);
    assert.ok(staged.packedFiles.includes(pkg.bin[pkg.name]));
    for (const name of ['spec', ...STREAMS.map((s) => s.schemaName)])
      assert.ok(staged.packedFiles.includes(`schemas/${name}.json`), `schemas/${name}.json`);
    assert.deepEqual(
      staged.packedFiles.filter((f) => /(^|\/)(test|emulator|scripts)(\/|$)|\.ts$/.test(f)),
      [],
    );
  });

  test('node_modules holds the production dependencies and no dev dependency', () => {
    const modules = join(staged.toHost(staged.installDir), 'node_modules');
    for (const name of Object.keys(pkg.dependencies)) assert.ok(existsSync(join(modules, name, 'package.json')), `${name} is installed`);
    for (const name of Object.keys(pkg.devDependencies)) assert.ok(!existsSync(join(modules, name)), `${name} (dev) is not installed`);
  });

  test('spec', async () => {
    const result = await run(['spec']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.spec(), readJson('schemas/spec.json'));
  });

  test('the ENTRYPOINT runs the bundle, which loads only files of the image (its chunks, schemas and node_modules)', async () => {
    assert.match(staged.command[1]!, /\/dist\/bundle\/main\.mjs$/);
    const dir = mkdtempSync(join(tmpdir(), 'azcc-image-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(emulator.config()));
      const [, program] = staged.command;
      const run = await loadedModules(program!, ['check', '--config', join(dir, 'config.json')], { env: emulator.env, cwd: staged.cwd });
      assert.equal(run.exitCode, 0, run.stderr);
      assert.ok(run.packages.includes('got') && run.packages.includes('@azure/msal-node'), run.packages.join(', '));
      assert.deepEqual(
        run.files.filter((f) => !f.startsWith(staged.root)),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('check succeeds with the tenant credentials and fails cleanly with integration_tests/invalid_config.json', async () => {
    const ok = await run(['check'], { config: emulator.config() });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.connectionStatus()?.status, 'SUCCEEDED', ok.connectionStatus()?.message);
    const invalid = readJson('integration_tests/invalid_config.json');
    const bad = await run(['check'], { config: invalid });
    assert.equal(bad.code, 0, bad.stderr);
    assert.equal(bad.connectionStatus()?.status, 'FAILED');
    assert.ok(!bad.stdout.includes(invalid.credentials.client_secret), 'the secret is never printed');
  });

  test('discover lists the four streams of integration_tests/configured_catalog.json', async () => {
    const result = await run(['discover'], { config: emulator.config() });
    assert.equal(result.code, 0, result.stderr);
    const streams = result.catalog().streams as { name: string; json_schema: { properties?: object } }[];
    assert.deepEqual(
      streams.map((s) => s.name),
      streamNames,
    );
    assert.deepEqual(
      readJson('integration_tests/configured_catalog.json').streams.map((s: any) => s.stream.name),
      streamNames,
    );
    for (const stream of streams) assert.ok(stream.json_schema.properties, `${stream.name} has a schema with properties`);
  });

  test('read of integration_tests/configured_catalog.json returns the tenant', async () => {
    const result = await run(['read'], {
      config: emulator.config(),
      catalog: readJson('integration_tests/configured_catalog.json'),
      timeoutMs: 90_000,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.errors(), []);
    for (const name of streamNames) {
      assert.deepEqual([result.statuses(name)[0], result.statuses(name).at(-1)], ['STARTED', 'COMPLETE'], name);
      assert.ok(result.states(name).length >= 1, `${name} has a STATE`);
    }
    const ids = (rows: any[]) => rows.map((r) => r.id).sort();
    assert.deepEqual(ids(result.records('users')), ids(emulator.truth.users()));
    assert.deepEqual(ids(result.records('service_principals')), ids(emulator.truth.servicePrincipals()));
    assert.equal(result.records('app_role_assignments').length, emulator.truth.appRoleAssignments().length);
    const signIns = new Set(ids(emulator.truth.signIns(new Date(0), new Date(Date.now() + 86_400_000))));
    assert.ok(signIns.size > 0 && result.records('sign_ins').length > 0, 'sign-ins are read');
    assert.deepEqual(
      result.records('sign_ins').filter((r) => !signIns.has(r.id)),
      [],
    );
  });
});
