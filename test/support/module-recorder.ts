// Preloaded with `node --import` (loaded-modules.ts): records every module the process loads into MODULE_RECORDER_FILE.
// ES modules through a load hook (https://nodejs.org/api/module.html#customization-hooks), CommonJS ones (required
// from CommonJS, which the hooks do not see in Node 20) from require's cache when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const file = process.env.MODULE_RECORDER_FILE;
if (file) {
  register('./module-recorder-hooks.js', import.meta.url, { data: { file } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(file, Object.keys(require.cache).join('\n').concat('\n')));
}
