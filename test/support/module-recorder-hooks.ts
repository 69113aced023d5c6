// The load hook of module-recorder.ts: appends each module's URL to the file, before the module is evaluated.
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let file = '';

export function initialize(data: { file: string }): void {
  file = data.file;
}

type Next = (url: string, context: object) => Promise<unknown>;

export async function load(url: string, context: object, next: Next): Promise<unknown> {
  if (url.startsWith('file:')) appendFileSync(file, `${fileURLToPath(url)}\n`);
  return next(url, context);
}
