// The Docker image without Docker: its layout and labels agree with metadata.yaml and package.json, and the staged image runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { IMAGE_ENTRYPOINT } from '../../scripts/bench-run.js';
import { CLOUDS } from '../../source-azure-client-credentials/endpoints.js';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunOptions, runConnector } from '../support/connector.js';
import { describeImage } from '../support/dockerfile.js';
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
/** The ENTRYPOINT script, as the repository holds it (the package ships it at the same path). */
const entrypointScript = image.entrypoint?.[0]
  ? readFileSync(join(repoRoot, posix.relative(installDirOf(image), image.entrypoint[0])), 'utf8')
  : '';
/** The script's `exec` lines: how it starts the connector. */
const execLines = entrypointScript
  .split('\n')
  .filter((line) => !line.trimStart().startsWith('#'))
  .flatMap((line) => /(?:^|;\s*|then\s+)(exec\s.*?)(?:;\s*fi)?\s*$/.exec(line)?.[1] ?? []);
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
/** The neutral image name: Airbyte Inc.'s airbyte/ namespace would pass the image off as official; each publisher puts their registry. */
const IMAGE_REPOSITORY = '<your-registry>/source-azure-client-credentials';
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

  test('one base image for both stages, a tag by default, pinned by digest with --build-arg NODE_IMAGE (documented)', () => {
    for (const stage of image.stages) assert.match(stage.declaredFrom, /^\$\{NODE_IMAGE\}$/, `FROM ${stage.declaredFrom}`);
    assert.equal(image.stages[0]!.from, 'node:22-bookworm-slim');
    const pinned = `node:22-bookworm-slim@sha256:${'0123456789abcdef'.repeat(4)}`;
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    for (const stage of describeImage(dockerfile, { NODE_IMAGE: pinned }).stages) assert.equal(stage.from, pinned);
    for (const [name, text] of [
      ['Dockerfile', dockerfile],
      ['README.md', readme],
    ]) {
      assert.match(text!, /--build-arg NODE_IMAGE=node:22-bookworm-slim@sha256:/, `${name} shows how to pin the base image by digest`);
      assert.match(text!, /docker buildx imagetools inspect node:22-bookworm-slim/, `${name} shows how to find the digest`);
    }
  });

  test('the runtime image keeps node and drops npm, npx, corepack and yarn (build tooling), after its last npm command', () => {
    const commands = image.final.instructions
      .filter((i) => i.keyword === 'RUN')
      .flatMap((i) => i.args.split('&&').map((part) => part.trim()));
    const removal = commands.findIndex((c) => /^rm -rf\b/.test(c) && c.includes('/usr/local/lib/node_modules/npm'));
    assert.ok(removal >= 0, 'a RUN of the final stage removes npm');
    const removed = commands[removal]!.split(' ').slice(2);
    for (const path of [
      '/usr/local/lib/node_modules/npm',
      '/usr/local/lib/node_modules/corepack',
      '/usr/local/bin/npm',
      '/usr/local/bin/npx',
      '/usr/local/bin/corepack',
      '/usr/local/bin/yarn',
      '/usr/local/bin/yarnpkg',
      '/opt/yarn-*',
    ])
      assert.ok(removed.includes(path), `${path} is removed`);
    assert.ok(!removed.some((path) => /(^|\/)node$/.test(path)), 'node itself stays');
    const later = commands.slice(removal + 1).filter((c) => /\b(npm|npx|corepack|yarn)\b/.test(c));
    assert.deepEqual(later, [], 'no package manager runs after it is removed');
    assert.ok(execLines.length > 0, 'the ENTRYPOINT script execs the connector');
    for (const line of execLines) assert.match(line, /^exec node\s/, 'the connector starts with node alone');
  });

  test("ENTRYPOINT is the package's entrypoint.sh (absolute), which execs node on the package bin; AIRBYTE_ENTRYPOINT equals it", () => {
    const entrypoint = image.entrypoint;
    assert.ok(entrypoint, 'ENTRYPOINT must use the exec (JSON) form');
    assert.equal(entrypoint.length, 1, 'no extra arguments: Airbyte appends the command itself');
    assert.ok(posix.isAbsolute(entrypoint[0]!), `the script path must be absolute: ${entrypoint[0]}`);
    assert.equal(image.env.AIRBYTE_ENTRYPOINT, entrypoint[0]);
    const script = posix.relative(installDirOf(image), entrypoint[0]!);
    assert.equal(script, 'entrypoint.sh', 'the script sits at the package root inside the install folder');
    assert.ok(pkg.files.includes(script), 'package.json "files" ships it, so npm pack puts it in the image');
    assert.match(entrypointScript, /^#!\/bin\/sh\n/, 'a POSIX shell script (the slim base image has /bin/sh, not bash)');
    // The bundle is found beside the script, so the staged image (test/support/image.ts) runs the same file.
    assert.deepEqual(Object.keys(pkg.bin), [pkg.name]);
    assert.match(entrypointScript, new RegExp(`^bundle="\\$\\{0%/\\*\\}/${pkg.bin[pkg.name]!.replaceAll('.', '\\.')}"$`, 'm'));
    for (const line of execLines)
      assert.match(line, /^exec node (--[\w-]+=\S+ )*"\$bundle" "\$@"$/, 'node runs the package bin with the arguments as given');
  });

  test('the image sets no NODE_OPTIONS, and the benchmark runs the ENTRYPOINT script the image runs', () => {
    assert.equal(image.env.NODE_OPTIONS, undefined, 'V8 flags for every command would cost spec, check and discover their start-up');
    assert.equal(IMAGE_ENTRYPOINT, join(repoRoot, posix.relative(installDirOf(image), image.entrypoint![0]!)));
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
    assert.equal(data.dockerRepository, IMAGE_REPOSITORY);
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
    // Airbyte's tag conventions: language:<language> (and cdk:<cdk> for connectors on an Airbyte CDK, which this is not).
    assert.deepEqual(data.tags, ['language:typescript']);
    assert.ok(Number.isInteger(data.maxSecondsBetweenMessages) && data.maxSecondsBetweenMessages >= 600);
  });

  test('metadata.yaml releaseDate is a real date, not in the future', () => {
    const { releaseDate } = metadata.data;
    assert.match(releaseDate, /^\d{4}-\d{2}-\d{2}$/, 'releaseDate is YYYY-MM-DD (quoted, so YAML keeps it a string)');
    assert.equal(new Date(`${releaseDate}T00:00:00Z`).toISOString().slice(0, 10), releaseDate);
    assert.ok(Date.parse(releaseDate) <= Date.now());
  });

  test('metadata.yaml icon is an SVG in the repository, self-contained (no script, no external reference)', () => {
    const icon = metadata.data.icon as string;
    assert.match(icon, /^[a-z0-9-]+\.svg$/, 'icon names a file beside metadata.yaml');
    const svg = readFileSync(join(repoRoot, icon), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/, 'a square SVG');
    assert.match(svg, /<\/svg>\s*$/);
    assert.doesNotMatch(svg, /<script|href=|url\(|@import|<image/i);
    assert.ok(svg.length < 8192, `${svg.length} bytes`);
  });

  test('suggestedStreams: the streams most users want, in catalog order; not sign_ins nor any stream limited to some clouds', () => {
    const suggested = metadata.data.suggestedStreams.streams as string[];
    assert.ok(suggested.length >= 3);
    assert.deepEqual(
      suggested,
      streamNames.filter((name) => suggested.includes(name)),
      'known streams, in catalog order',
    );
    assert.ok(!suggested.includes('sign_ins'), 'sign_ins needs an Entra ID P1/P2 licence');
    for (const stream of STREAMS.filter((s) => suggested.includes(s.name)))
      assert.equal(stream.availability, undefined, `${stream.name} is not available in every cloud`);
    for (const core of ['users', 'groups', 'service_principals']) assert.ok(suggested.includes(core), `${core} is suggested`);
  });

  test('the README names the neutral image wherever it builds, pushes or adds it, never airbyte/...', () => {
    assert.doesNotMatch(readme, /airbyte\/source-azure-client-credentials/);
    // Commands that build, push, load or inspect the image (not `docker buildx create`, which makes a builder); a shell
    // variable stands for the name only where the README assigns it the neutral name.
    const commands = readme.split('\n').filter((l) => /^\s*(docker (build|push)\b|docker buildx (build|imagetools)\b|kind load)/.test(l));
    assert.ok(commands.length >= 2, 'the README shows how to build and push the image');
    const variable = /^IMAGE=(\S+)$/m.exec(readme)?.[1];
    if (variable) assert.ok(variable.startsWith(IMAGE_REPOSITORY), `IMAGE=${variable}`);
    for (const line of commands)
      assert.ok(line.includes('source-azure-client-credentials') || (variable !== undefined && line.includes('$IMAGE')), line);
    assert.ok(readme.includes(IMAGE_REPOSITORY));
    assert.match(
      readme,
      /self-hosted Airbyte ignores `?metadata\.yaml`?/i,
      'the README says metadata.yaml does not apply to a custom image',
    );
  });

  test('documentationUrl: the same placeholder in spec and metadata, for this README, documented for the publisher to replace', () => {
    const url = metadata.data.documentationUrl as string;
    assert.equal(url, readJson('schemas/spec.json').documentationUrl);
    assert.match(url, /\/README\.md$/, 'the URL of this README file');
    // No public home is known: a host on the reserved .invalid domain (RFC 6761) can be nobody's real site.
    assert.equal(new URL(url).hostname.endsWith('.invalid'), true);
    assert.ok(readme.includes(url), 'the README names the placeholder and says to replace it');
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

  test('the build stage holds every packaged file it does not build, so its npm pack ships the whole package', () => {
    // npm pack leaves out a "files" entry that is missing without a word: a file the build stage never copied
    // (e.g. the ENTRYPOINT script) would be absent from the image, and the staged image below (packed from the
    // repository) could not tell.
    const copied = image.stages[0].instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((i) => i.args.split(' ').slice(0, -1))
      .map((p) => p.replace(/\/$/, ''));
    const built = (entry: string) => entry === 'dist' || entry.startsWith('dist/');
    const within = (entry: string) => copied.some((path) => entry === path || entry.startsWith(`${path}/`));
    assert.deepEqual(
      pkg.files.filter((entry) => !built(entry) && !within(entry)),
      [],
      'package.json "files" entries the build stage neither copies nor builds',
    );
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

  test('the package ships the bundled connector, its schemas and the ENTRYPOINT script, nothing else', () => {
    const outside = staged.packedFiles.filter(
      (f) =>
        !f.startsWith('dist/bundle/') &&
        !f.startsWith('schemas/') &&
        !/^(package\.json|entrypoint\.sh|README\.md|LICENSE|CHANGELOG\.md)$/.test(f),
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

  test('the ENTRYPOINT gives read alone its small young generation: spec, check and discover start node without V8 flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'azcc-image-flags-'));
    try {
      // Preloaded through NODE_OPTIONS (which process.execArgv leaves out): prints the flags the script gave node.
      const probe = join(dir, 'probe.mjs');
      writeFileSync(probe, "process.stderr.write('EXEC_ARGV ' + JSON.stringify(process.execArgv) + '\\n');\n");
      const env = { ...emulator.env, NODE_OPTIONS: `--import=${pathToFileURL(probe).href}` };
      const execArgv = (stderr: string) => JSON.parse(/^EXEC_ARGV (.*)$/m.exec(stderr)?.[1] ?? 'null') as string[] | null;
      const catalog = readJson('integration_tests/configured_catalog.json');
      catalog.streams = catalog.streams.filter((s: any) => s.stream.name === 'users');
      const runs = {
        spec: await run(['spec'], { env }),
        check: await run(['check'], { env, config: emulator.config() }),
        discover: await run(['discover'], { env, config: emulator.config() }),
        read: await run(['read'], { env, config: emulator.config(), catalog }),
      };
      for (const [name, result] of Object.entries(runs)) {
        assert.equal(result.code, 0, `${name}: ${result.stderr}`);
        assert.deepEqual(execArgv(result.stderr), name === 'read' ? ['--max-semi-space-size=4', '--initial-old-space-size=24'] : [], name);
      }
      assert.equal(runs.check.connectionStatus()?.status, 'SUCCEEDED');
      assert.equal(runs.read.records('users').length, emulator.truth.users().length, 'the read did its work');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the ENTRYPOINT runs the bundle, which loads only files of the image (its chunks, schemas and node_modules)', async () => {
    assert.equal(staged.bundle, staged.toHost(posix.join(staged.installDir, pkg.bin[pkg.name]!)));
    const dir = mkdtempSync(join(tmpdir(), 'azcc-image-config-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(emulator.config()));
      const run = await loadedModules(staged.bundle, ['check', '--config', join(dir, 'config.json')], {
        env: emulator.env,
        cwd: staged.cwd,
      });
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

  test('discover lists every stream, as integration_tests/configured_catalog.json does', async () => {
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
