// Which files a run of the connector loads: the built bundle run under module-recorder.ts, its files listed by package.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childEnv } from './connector.js';

const recorder = pathToFileURL(join(import.meta.dirname, 'module-recorder.js')).href;

export interface LoadedModules {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Every file loaded (absolute paths), in load order without repeats; the recorder's own files left out. */
  files: string[];
  /** The npm packages those files belong to (e.g. "@azure/msal-node", "got"), sorted. */
  packages: string[];
  /** True when a file of packageName whose path (inside the package) matches `inside` was loaded. */
  has(packageName: string, inside?: RegExp): boolean;
}

/** The package a node_modules path belongs to (the innermost node_modules), or undefined. */
export function packageOf(file: string): string | undefined {
  const parts = file.split(sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const name = parts[at + 1]!;
  return name.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
}

/**
 * Runs `node <program> ...args` with the recorder preloaded and returns what it loaded. The child's environment is
 * the tests' (childEnv) with options.env on top.
 */
export async function loadedModules(
  program: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<LoadedModules> {
  const dir = mkdtempSync(join(tmpdir(), 'azcc-modules-'));
  const file = join(dir, 'modules.txt');
  try {
    const child = spawn(process.execPath, ['--import', recorder, resolve(program), ...args], {
      cwd: options.cwd ?? dir,
      env: childEnv({ ...options.env, MODULE_RECORDER_FILE: file }),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    let lines: string[] = [];
    try {
      lines = readFileSync(file, 'utf8').split('\n');
    } catch {
      // nothing was recorded: files stays empty, and the caller's assertions say so
    }
    const own = (path: string) => /module-recorder(-hooks)?\.js$/.test(path);
    const files = [...new Set(lines.filter((l) => l.startsWith(sep) && !own(l)))];
    const packages = [...new Set(files.map(packageOf).filter((p): p is string => p !== undefined))].sort();
    return {
      exitCode: status,
      stdout,
      stderr,
      files,
      packages,
      has: (name, inside) =>
        files.some((f) => {
          const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
          const at = f.lastIndexOf(marker);
          return at >= 0 && (!inside || inside.test(f.slice(at + marker.length)));
        }),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The packages of the network stack: only a command that talks to Graph may load them. */
export const NETWORK_PACKAGES = ['@azure/msal-node', 'got', 'hpagent', 'proxy-from-env'] as const;

/** The network-stack packages a run loaded, in NETWORK_PACKAGES order. */
export const networkStack = (run: LoadedModules): string[] => NETWORK_PACKAGES.filter((name) => run.has(name));

/** Whether a run loaded ajv's compiler: any file of ajv or ajv-formats but the two helpers the generated config validator uses. */
export const loadsAjvCompiler = (run: LoadedModules): boolean =>
  run.has('ajv', /^dist\/(?!runtime\/)/) || run.has('ajv-formats', /^dist\/(?!formats\.js$)/);
