// Reading the JSON files Airbyte passes on the command line, with errors that name the file.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configError } from './errors.js';

/** Reads and parses a JSON file; a missing, unreadable or non-JSON file is a config error naming it. */
export function readJsonFile(path: string, what: string): unknown {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'EISDIR' ? 'it is a directory' : `it cannot be read (${code ?? 'unknown error'})`;
    throw configError(`The ${what} file ${absolute} could not be read: ${why}. Pass the path of a readable JSON file.`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the file's content, which can hold secrets: keep only its position.
    const position = /position \d+/.exec((error as Error).message)?.[0];
    throw configError(
      `The ${what} file ${absolute} is not valid JSON${position ? ` (syntax error at ${position})` : ''}. Fix the file so that it holds one JSON document.`,
    );
  }
}
