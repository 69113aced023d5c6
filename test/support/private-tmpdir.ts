// A fresh TMPDIR for each test of a suite (what the temp-file modules write into), restored and deleted after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'node:test';

/** Registers the hooks; the returned function gives the current test's directory. */
export function usePrivateTmpdir(prefix: string): () => string {
  let dir = '';
  let previous: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    previous = process.env.TMPDIR;
    process.env.TMPDIR = dir;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
