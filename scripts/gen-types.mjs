// Generates the TypeScript types of the config and of each stream's records from schemas/*.json.
// Run `npm run gen` after editing a schema; a test fails while the committed types are stale.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const schemasDir = join(root, 'schemas');
export const generatedDir = join(root, 'source-azure-client-credentials', 'generated');

const pascal = (name) => name.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());

/** Returns { fileName: source } for every schema, without writing anything. */
export async function generate() {
  const out = {};
  for (const file of readdirSync(schemasDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const base = file.replace(/\.json$/, '');
    const raw = JSON.parse(readFileSync(join(schemasDir, file), 'utf8'));
    const schema = structuredClone(base === 'spec' ? raw.connectionSpecification : raw);
    const typeName = base === 'spec' ? 'SourceConfig' : `${pascal(base)}Record`;
    schema.title = typeName;
    // File names are kebab-case like every module; the schema (and stream) names keep their underscores.
    out[`${base.replace(/_/g, '-')}.ts`] = await compile(schema, typeName, {
      bannerComment: `// Generated from schemas/${file} by \`npm run gen\`: do not edit by hand.`,
      additionalProperties: false,
      strictIndexSignatures: false,
      unknownAny: true,
      format: true,
      style: { singleQuote: true, printWidth: 110 },
    });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await generate();
  for (const [name, source] of Object.entries(files)) writeFileSync(join(generatedDir, name), source);
  console.log(`wrote ${Object.keys(files).length} files to ${generatedDir}`);
}
