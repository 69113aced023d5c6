// A temporary file readable by this user only (0600 in a 0700 directory), for sync-scoped data that must not stay in memory.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateTempFile {
  dir: string;
  fd: number;
}

/** Creates the file in a new directory of the system's temporary directory (TMPDIR); nothing is left if that fails. */
export function openPrivateTempFile(prefix: string, name: string): PrivateTempFile {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return { dir, fd: openSync(join(dir, name), 'w+', 0o600) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Closes and deletes the file with its directory. */
export function removePrivateTempFile({ dir, fd }: PrivateTempFile): void {
  try {
    closeSync(fd);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
