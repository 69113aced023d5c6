// Stages the Docker image's files without Docker: npm pack, unpack where the Dockerfile puts the package, npm ci as it does.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describeImage, type Image } from './dockerfile.js';
import { repoRoot } from './paths.js';

export interface StagedImage {
  image: Image;
  /** The host folder that stands for the image's / */
  root: string;
  /** Where the final stage copies the packed package (container path), e.g. /airbyte/integration_code */
  installDir: string;
  /** Paths inside the package, as `npm pack` listed them. */
  packedFiles: string[];
  /** A container path -> the same path in the staged tree. */
  toHost(containerPath: string): string;
  /** The image's ENTRYPOINT (entrypoint.sh, which execs `node` from PATH) with absolute paths moved into the staged tree. */
  command: [string, ...string[]];
  /** The package bin (the bundle the ENTRYPOINT script runs) in the staged tree. */
  bundle: string;
  /** The image's final WORKDIR in the staged tree. */
  cwd: string;
  cleanup(): void;
}

export const readDockerfile = (): Image => describeImage(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));

/** The one `npm ...` command of the final stage's RUN lines that starts with `prefix` (e.g. "npm ci"), as argv. */
export function npmCommand(image: Image, prefix: string): string[] {
  const commands = image.runs.flatMap((run) => run.split('&&').map((part) => part.trim())).filter((c) => c.startsWith(prefix));
  if (commands.length !== 1) throw new Error(`The Dockerfile's final stage should run "${prefix}" exactly once; found ${commands.length}`);
  return commands[0].split(' ');
}

/** The container folder the final stage copies the build stage's package into (COPY --from=<build stage>). */
export function installDirOf(image: Image): string {
  const copies = image.final.instructions.filter((i) => i.keyword === 'COPY' && /^--from=/.test(i.args));
  if (copies.length !== 1) throw new Error(`The final stage should COPY --from the build stage exactly once; found ${copies.length}`);
  const parts = copies[0].args.split(' ');
  return posix.resolve(copies[0].workdir, parts.at(-1)!);
}

/**
 * Packs the repository (its dist/ must be built) and installs the package the way the Dockerfile's
 * final stage does: unpacked into installDir with package-lock.json, then its own `npm ci` command.
 */
export function stageImage(): StagedImage {
  const image = readDockerfile();
  if (!image.entrypoint) throw new Error('The Dockerfile has no exec-form ENTRYPOINT');
  const work = mkdtempSync(join(tmpdir(), 'azcc-image-'));
  const root = join(work, 'root');
  const toHost = (containerPath: string) => join(root, ...containerPath.split('/').filter(Boolean));
  const installDir = installDirOf(image);
  const installHost = toHost(installDir);
  mkdirSync(installHost, { recursive: true });

  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: repoRoot, encoding: 'utf8' })) as {
    filename: string;
    files: { path: string }[];
  }[];
  execFileSync('tar', ['-xzf', join(work, packed[0].filename), '-C', installHost, '--strip-components=1']);
  copyFileSync(join(repoRoot, 'package-lock.json'), join(installHost, 'package-lock.json'));
  // --prefer-offline: the same lockfile-pinned packages, from the local npm cache when it has them.
  const [, ...ciArgs] = npmCommand(image, 'npm ci');
  execFileSync('npm', [...ciArgs, '--prefer-offline'], { cwd: installHost, stdio: ['ignore', 'ignore', 'pipe'] });

  const [program, ...rest] = image.entrypoint;
  if (!posix.isAbsolute(program!)) throw new Error(`The ENTRYPOINT should be the absolute path of a script, not ${program}`);
  const pkg = JSON.parse(readFileSync(join(installHost, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string> };
  return {
    image,
    root,
    installDir,
    packedFiles: packed[0].files.map((f) => f.path),
    toHost,
    command: [toHost(program!), ...rest.map((arg) => (arg.startsWith('/') ? toHost(arg) : arg))],
    bundle: join(installHost, pkg.bin[pkg.name]!),
    cwd: toHost(image.workdir),
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  };
}
