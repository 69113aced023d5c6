// The cold-start scenario of `npm run bench` (issue 18 target 1): spec and discover against a bare `node -e 0`, in paired
// runs of the shipped bundle, their peak RSS, and which files spec, discover, check and read load.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../test/emulator/index.js';
import { childEnv } from '../test/support/connector.js';
import { type LoadedModules, loadedModules, loadsAjvCompiler, NETWORK_PACKAGES, networkStack } from '../test/support/loaded-modules.js';
import { median, round2 } from './bench-common.js';
import { measureCommand, RSS_METHOD } from './bench-run.js';

export interface ColdStartTarget {
  scenario: 'coldstart';
  stream?: string;
  target: string;
  value: number | string | null;
  met: boolean;
}

const WALL_RATIO_TARGET = 1.5;
const RSS_TARGET_MB = 55;

/** Spawn to exit of `command`, output drained and dropped (no wrapper process, so both sides of a pair pay the same). */
function wallMs(command: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command[0]!, command.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command.join(' ')} exited with ${code}`));
      else resolve(performance.now() - started);
    });
  });
}

interface CommandFigures {
  wallMs: { median: number; runs: number[] };
  /** Median over the runs of this command's wall over the bare node's wall of the same round. */
  wallRatio: number;
  /** The highest peak RSS over the runs, or null when it could not be read (never 0). */
  peakRssMb: number | null;
}

/** What a command loaded: bundle files, npm packages, and the answers to the target's questions. */
function evidence(loaded: LoadedModules) {
  return {
    exitCode: loaded.exitCode,
    connectionStatus: /"type":"CONNECTION_STATUS","connectionStatus":\{"status":"(\w+)"/.exec(loaded.stdout)?.[1] ?? null,
    records: loaded.stdout.match(/^\{"type":"RECORD"/gm)?.length ?? 0,
    bundleFiles: loaded.files.filter((f) => !f.includes('node_modules')).length,
    packages: loaded.packages,
    networkStack: networkStack(loaded),
    ajvCompiler: loadsAjvCompiler(loaded),
  };
}

/**
 * Paired rounds: each round runs bare `node -e 0`, spec and discover once, in an order that rotates from round to
 * round, so that a change of load on the machine reaches all three alike; the ratios are taken within a round.
 * spec and discover run as the image runs them, through its ENTRYPOINT script (`entrypoint`), which execs node; no
 * process gets NODE_OPTIONS (the image sets none). Peak RSS comes from separate runs under /usr/bin/time (ru_maxrss
 * at exit); without it, it is "not measured". Then spec, discover, check and a one-stream read of the bundle run once
 * more under the module recorder (test/support/module-recorder.ts) against a small emulator tenant.
 */
export async function coldStart(
  options: { quick: boolean; entrypoint: string; bundle: string },
  targets: { push(...items: ColdStartTarget[]): unknown },
  progress: (line: string) => void = () => {},
) {
  const rounds = options.quick ? 7 : 15;
  const emulator = await startEmulator({
    seed: 7,
    sizes: { users: 20, servicePrincipals: 8, groups: 3, bigGroupSizes: [], assignments: 10, signIns: 10 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'azcc-bench-coldstart-'));
  try {
    const configPath = join(dir, 'config.json');
    const catalogPath = join(dir, 'catalog.json');
    // Synthetic emulator credentials: private to this user, deleted after the run.
    writeFileSync(configPath, JSON.stringify(emulator.config()), { mode: 0o600 });
    const catalog = {
      streams: [{ stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh' }],
    };
    writeFileSync(catalogPath, JSON.stringify(catalog));

    // spec and discover need no network: the production environment, without the emulator's overrides, nor any
    // NODE_OPTIONS of the bench's own environment.
    const { NODE_OPTIONS: _inherited, ...env } = childEnv();
    const commands: Record<'bare' | 'spec' | 'discover', string[]> = {
      bare: [process.execPath, '-e', '0'],
      spec: [options.entrypoint, 'spec'],
      discover: [options.entrypoint, 'discover', '--config', configPath],
    };
    const names = Object.keys(commands) as (keyof typeof commands)[];
    // One unmeasured round warms the file cache.
    for (const name of names) await wallMs(commands[name], env);
    const walls: Record<string, number[]> = { bare: [], spec: [], discover: [] };
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        walls[name]!.push(await wallMs(commands[name], env));
      }
    }
    const rss: Record<string, (number | null)[]> = { spec: [], discover: [], bare: [] };
    const rssReadable = RSS_METHOD.startsWith('ru_maxrss');
    if (rssReadable) {
      for (let round = 0; round < Math.min(rounds, 5); round++) {
        for (const name of names) rss[name]!.push((await measureCommand(commands[name], env, () => {})).peakRssMb);
      }
    }
    const figures = (name: keyof typeof commands): CommandFigures => ({
      wallMs: { median: Math.round(median(walls[name]!)), runs: walls[name]!.map(Math.round) },
      wallRatio: round2(median(walls[name]!.map((ms, round) => ms / walls.bare![round]!))),
      // A run whose peak could not be read makes the figure "not measured", never a smaller maximum.
      peakRssMb: rssReadable && rss[name]!.every((v) => v !== null) ? Math.max(...(rss[name] as number[])) : null,
    });
    const bare = figures('bare');
    const spec = figures('spec');
    const discover = figures('discover');
    progress(
      `  bare node ${bare.wallMs.median} ms, ${bare.peakRssMb ?? 'not measured'} MB; spec ${spec.wallMs.median} ms (x${spec.wallRatio}), ${spec.peakRssMb ?? 'not measured'} MB; ` +
        `discover ${discover.wallMs.median} ms (x${discover.wallRatio}), ${discover.peakRssMb ?? 'not measured'} MB`,
    );

    // The recorder preloads into node itself, so these run the bundle the ENTRYPOINT script would exec.
    const loaded = {
      spec: evidence(await loadedModules(options.bundle, ['spec'])),
      discover: evidence(await loadedModules(options.bundle, ['discover', '--config', configPath])),
      check: evidence(await loadedModules(options.bundle, ['check', '--config', configPath], { env: emulator.env })),
      read: evidence(
        await loadedModules(options.bundle, ['read', '--config', configPath, '--catalog', catalogPath], { env: emulator.env }),
      ),
    };
    for (const [name, e] of Object.entries(loaded)) {
      progress(`  ${name} loads ${e.bundleFiles} bundle files and ${e.packages.length} packages (${e.packages.join(', ') || 'none'})`);
    }

    for (const [name, f] of [
      ['spec', spec],
      ['discover', discover],
    ] as const) {
      targets.push(
        {
          scenario: 'coldstart',
          target: `${name} wall <= ${WALL_RATIO_TARGET}x bare node -e 0 (median of ${rounds} paired rounds)`,
          value: `${f.wallMs.median} vs ${bare.wallMs.median} ms (x${f.wallRatio})`,
          met: f.wallRatio <= WALL_RATIO_TARGET,
        },
        {
          scenario: 'coldstart',
          target: `${name} peak RSS <= ${RSS_TARGET_MB} MB`,
          value: f.peakRssMb ?? 'not measured',
          met: f.peakRssMb !== null && f.peakRssMb <= RSS_TARGET_MB,
        },
      );
    }
    const lean = (e: ReturnType<typeof evidence>) => e.exitCode === 0 && e.networkStack.length === 0 && !e.ajvCompiler;
    targets.push({
      scenario: 'coldstart',
      target: "spec and discover load neither the network stack nor ajv's compiler",
      value: `spec: ${loaded.spec.packages.join(', ') || 'no package'}; discover: ${loaded.discover.packages.join(', ') || 'no package'}`,
      met: lean(loaded.spec) && lean(loaded.discover),
    });
    for (const name of ['check', 'read'] as const) {
      const e = loaded[name];
      targets.push({
        scenario: 'coldstart',
        target: `${name} loads the network stack it uses, and not ajv's compiler`,
        value: `${e.networkStack.join(', ') || 'no network package'}; ajv compiler ${e.ajvCompiler ? 'loaded' : 'not loaded'}`,
        // The command must have done its work (check SUCCEEDED, read returned records) for its list to count.
        met:
          e.exitCode === 0 &&
          (name === 'check' ? e.connectionStatus === 'SUCCEEDED' : e.records > 0) &&
          e.networkStack.length === NETWORK_PACKAGES.length &&
          !e.ajvCompiler,
      });
    }
    return {
      settings: {
        rounds,
        entrypoint: `${options.entrypoint} (the image's ENTRYPOINT: execs node on ${options.bundle}; no NODE_OPTIONS)`,
        wall: 'spawn to exit seen by the bench, no wrapper; ratio = median over rounds of command / bare node of the same round',
        peakRss: rssReadable ? `${RSS_METHOD}, highest of ${Math.min(rounds, 5)} runs` : 'not measured (no /usr/bin/time)',
        loaded:
          'one more run of each command under test/support/module-recorder.ts; check and a users read against a small emulator tenant',
      },
      bare,
      spec,
      discover,
      loaded,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.stop();
  }
}
