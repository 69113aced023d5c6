// The build after tsc (npm run build): generates the config validator, bundles the connector with esbuild into dist/bundle/,
// and writes there the catalog discover prints for the default schema options.
// The bundle is what ships (package.json bin and files, the image's ENTRYPOINT) and what the tests run; the tsc output
// beside it is what the tests import. Plain JavaScript, so the image's build stage needs only the connector's sources.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'source-azure-client-credentials');
export const bundleDir = join(root, 'dist', 'bundle');
/** The bundle's entry file: package.json "bin" and the Dockerfile's ENTRYPOINT name it. */
export const bundleEntry = join(bundleDir, 'main.mjs');

/** Writes generated/config-validator.cjs beside the compiled config.js (which imports it): ajv compiles here, once. */
async function generateConfigValidator() {
  const { configValidatorCode } = await import(join(compiled, 'config-schema.js'));
  writeFileSync(join(compiled, 'generated', 'config-validator.cjs'), configValidatorCode());
}

/**
 * npm packages the bundle leaves to node_modules (installed from the lockfile): every dependency but ajv and
 * ajv-formats, of which the bundle holds only the two small files the generated validator requires (string length,
 * date-time), so that discover loads no package. ajv's compiler is never reached from the entry.
 */
const BUNDLED_PACKAGES = ['ajv', 'ajv-formats'];
const external = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies).filter(
  (name) => !BUNDLED_PACKAGES.includes(name),
);

/**
 * Bundles the compiled entry and every module it imports into one entry file, with code splitting: each command's
 * import() (app.ts) becomes a chunk loaded only when that command runs. Chunks sit beside main.mjs, so schemas.ts
 * finds ../../schemas/ as before.
 */
async function bundle() {
  // Chunk names change with their content: a chunk of an earlier build must not linger (npm pack would ship it).
  rmSync(bundleDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(compiled, 'main.js')],
    outdir: bundleDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external,
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
  return `${relative(root, bundleEntry)} and ${outputs.length - 1} chunks, ${Math.round(bytes / 1024)} KB`;
}

/**
 * Writes the catalog discover prints for the default schema options beside the bundle's chunks, built by the compiled
 * stream-catalog.js from schemas/ (the single source of truth) as discover would build it.
 */
async function prepareCatalog() {
  const { buildCatalog } = await import(join(compiled, 'stream-catalog.js'));
  const { PREPARED_CATALOG_FILE, PREPARED_SCHEMA_OPTIONS } = await import(join(compiled, 'commands', 'discover.js'));
  writeFileSync(join(bundleDir, PREPARED_CATALOG_FILE), JSON.stringify(buildCatalog(PREPARED_SCHEMA_OPTIONS)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await generateConfigValidator();
  console.log(`bundled ${await bundle()}`);
  await prepareCatalog();
}
