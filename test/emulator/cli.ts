// `npm run emulator -- --users 50000 --sign-ins 100000 --seed 1 --throttling --time-scale 10`: serves a synthetic
// tenant until SIGINT/SIGTERM and prints the environment and config that point the connector at it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './index.js';
import type { TenantSizes } from './types.js';

const USAGE = `Usage: npm run emulator -- [options]
  --users N  --service-principals N  --groups N  --assignments N  --sign-ins N  --big-groups 1500,6000
  --seed N (1)  --port N (0 = ephemeral)  --latency MS  --latency-per-record MS
  --throttling  --time-scale N (1)  --ru-per-10s N  --no-premium  --token-lifetime S  --permissions A,B,...`;

function number(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${value}".\n${USAGE}`);
  return n;
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: 'string' },
      'service-principals': { type: 'string' },
      groups: { type: 'string' },
      assignments: { type: 'string' },
      'sign-ins': { type: 'string' },
      'big-groups': { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      latency: { type: 'string' },
      'latency-per-record': { type: 'string' },
      throttling: { type: 'boolean', default: false },
      'time-scale': { type: 'string' },
      'ru-per-10s': { type: 'string' },
      'no-premium': { type: 'boolean', default: false },
      'token-lifetime': { type: 'string' },
      permissions: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sizes: Partial<TenantSizes> = {};
  const size = (key: keyof TenantSizes, flag: string) => {
    const n = number(flag, values[flag as keyof typeof values] as string | undefined);
    if (n !== undefined) (sizes as Record<string, number>)[key] = n;
  };
  size('users', 'users');
  size('servicePrincipals', 'service-principals');
  size('groups', 'groups');
  size('assignments', 'assignments');
  size('signIns', 'sign-ins');
  if (values['big-groups']) sizes.bigGroupSizes = values['big-groups'].split(',').map((s) => number('big-groups', s.trim())!);
  const timeScale = number('time-scale', values['time-scale']) ?? 1;
  const started = Date.now();
  const emulator = await startEmulator({
    seed: number('seed', values.seed) ?? 1,
    sizes,
    port: number('port', values.port) ?? 0,
    latencyMs: number('latency', values.latency) ?? 0,
    latencyPerRecordMs: number('latency-per-record', values['latency-per-record']) ?? 0,
    throttling: { enabled: values.throttling, timeScale, ruPer10s: number('ru-per-10s', values['ru-per-10s']) },
    premium: !values['no-premium'],
    tokenLifetimeSeconds: number('token-lifetime', values['token-lifetime']),
    permissions: values.permissions
      ?.split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  });
  const dir = mkdtempSync(join(tmpdir(), 'graph-emulator-'));
  const configPath = join(dir, 'config.json');
  // Test-only credentials of a synthetic tenant; the file is private to this user.
  writeFileSync(configPath, `${JSON.stringify(emulator.config(), null, 2)}\n`, { mode: 0o600 });
  const t = emulator.tenant;
  process.stderr.write(
    `Graph emulator ready at ${emulator.url} in ${Date.now() - started} ms: ${t.users.length} users, ${t.servicePrincipals.length} service principals, ` +
      `${t.groups.length} groups, ${t.signIns.length} sign-ins (tenant ${t.tenantId}, ${t.defaultDomain}). Ctrl-C to stop.\n`,
  );
  for (const [name, value] of Object.entries(emulator.env)) process.stdout.write(`export ${name}=${value}\n`);
  process.stdout.write(`# connector config (tenant_id, client_id, client_secret for this emulator): ${configPath}\n`);

  const stop = async (signal: string) => {
    const m = emulator.metrics();
    process.stderr.write(
      `${signal}: stopping. ${m.totalRequests} requests, ${m.throttled} throttled, ${m.resourceUnits} RU, ${m.tokensIssued} tokens, ` +
        `secret seen by Graph: ${m.secretSeenByGraph}.\n`,
    );
    await emulator.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
