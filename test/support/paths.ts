// Where the repository, the built entrypoint and the read-only shared/ folder are, seen from a built test.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/support -> repository root */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** The bundle that ships (package.json bin, the image's ENTRYPOINT; scripts/build.mjs), which every test runs. */
export const entrypoint = join(repoRoot, 'dist', 'bundle', 'main.mjs');
export const schemasDir = join(repoRoot, 'schemas');

/** ../shared beside the checkout (CI lays a copy there); SHARED_DIR overrides. */
export const sharedDir = process.env.SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
export const protocolYaml = join(sharedDir, 'airbyte-protocol', 'airbyte_protocol.yaml');

if (!existsSync(protocolYaml)) {
  throw new Error(`The Airbyte protocol schema is missing at ${protocolYaml}; set SHARED_DIR to the shared/ folder.`);
}
