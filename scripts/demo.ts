// `npm run demo`: an emulated Entra ID tenant synced by the built connector (check, discover, read) into typed
// DuckDB tables; the saved state makes the next run incremental for sign_ins. DEMO_DIR overrides ./demo.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '../test/emulator/index.js';
import { EXPIRY_WINDOW_DAYS, expiringCredentials, licences } from './demo/answers.js';
import { collect, failureOf, type Message, runConnector } from './demo/connector.js';
import { Landing, type StreamTarget } from './demo/landing.js';
import { DEMO_SIGN_IN_DAYS, DEMO_TABLES, DEMO_TENANT, type DemoRunReport } from './demo/tenant.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const demoDir = resolve(process.env.DEMO_DIR ?? join(repoRoot, 'demo'));
const dbFile = join(demoDir, 'entra.duckdb');
const stateFile = join(demoDir, 'state.json');
const reportFile = join(demoDir, 'run.json');
/** sign_in_lookback_minutes (the connector's default): how far before the saved cursor a later run starts. */
const LOOKBACK_MINUTES = 60;

class DemoError extends Error {}

const n = (value: unknown) => Number(value).toLocaleString('en-US');
/** A path relative to the working directory when it is below it, else absolute. */
const shown = (path: string) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path));
const isoSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function writeAtomically(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

/** A small aligned text table. */
function table(rows: Record<string, unknown>[], columns: [key: string, title: string][]): string {
  const cell = (value: unknown) =>
    value instanceof Date
      ? value.toISOString().slice(0, 16).replace('T', ' ')
      : typeof value === 'number' || typeof value === 'bigint'
        ? n(value)
        : String(value ?? '(none)');
  const cells = rows.map((row) => columns.map(([key]) => cell(row[key])));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => `  ${values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('   ')}`;
  return [line(columns.map(([, title]) => title)), ...cells.map(line)].join('\n');
}

/** The saved STATE messages, if the tables they describe are still there. */
async function savedState(landing: Landing): Promise<Message[] | undefined> {
  if (!existsSync(stateFile)) return undefined;
  if (!(await landing.tableExists('sign_ins'))) {
    console.log(`note: ${shown(stateFile)} exists but the DuckDB file has no sign_ins table; reading everything again.`);
    return undefined;
  }
  let states: unknown;
  try {
    states = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    /* reported below */
  }
  if (!Array.isArray(states))
    throw new DemoError(`${stateFile} is not a JSON array of STATE messages. Delete it (and ${dbFile}) to start over.`);
  // Each run starts a new emulator, a new Graph server: a delta link of the previous one leads nowhere,
  // so those streams start a new delta round. A cursor (sign_ins) carries over.
  const portable = (states as Message[]).filter((m) => !/https?:\/\//.test(JSON.stringify(m.stream?.stream_state ?? {})));
  const dropped = (states as Message[]).filter((m) => !portable.includes(m)).map((m) => m.stream?.stream_descriptor?.name);
  if (dropped.length)
    console.log(
      `note: ${dropped.join(', ')}: the saved delta links belong to the previous run's emulator; these streams start a new delta round.`,
    );
  return portable;
}

/** The logs read in time windows from a cursor (the others are read whole): what the demo compares per run. */
const WINDOWED: ReadonlySet<string> = new Set(['sign_ins', 'directory_audits']);

/** How many distinct primary keys the tenant holds for each table, in the range this run read. */
function tenantCounts(emulator: Emulator, signIns: { from: Date; to: Date }, audits: { from: Date; to: Date }): Record<string, number> {
  const distinct = (records: Record<string, unknown>[], key: string[]) =>
    new Set(records.map((r) => key.map((k) => String(r[k])).join('\u0000'))).size;
  return {
    users: distinct(emulator.truth.users({ includeGuests: false, domains: [] }), ['id']),
    service_principals: distinct(emulator.truth.servicePrincipals(), ['id']),
    app_role_assignments: distinct(emulator.truth.appRoleAssignments(), ['id', 'userId']),
    sign_ins: distinct(emulator.truth.signIns(signIns.from, signIns.to), ['id']),
    directory_audits: distinct(emulator.truth.directoryAudits(audits.from, audits.to), ['id']),
    groups: distinct(emulator.truth.groups(), ['id']),
    group_members: distinct(emulator.truth.groupMembers(), ['groupId', 'memberId']),
    // Only the number of registrations is compared, which does not depend on the instant credentials are judged at.
    applications: distinct(emulator.truth.applications(new Date()), ['id']),
    oauth2_permission_grants: distinct(emulator.truth.oauth2PermissionGrants(), ['id']),
    subscribed_skus: distinct(emulator.truth.subscribedSkus(), ['skuId']),
    directory_role_assignments: distinct(emulator.truth.directoryRoleAssignments(), ['id']),
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const phases: string[] = [];
  let phaseStart = started;
  const phase = (name: string) => {
    phases.push(`${name} ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);
    phaseStart = Date.now();
  };
  mkdirSync(demoDir, { recursive: true });
  const emulator = await startEmulator(DEMO_TENANT);
  // The config holds the (emulated) client secret: it stays in a private temporary folder, removed at the end.
  const work = mkdtempSync(join(tmpdir(), 'azcc-demo-'));
  let landing: Landing | undefined;
  try {
    const sizes = DEMO_TENANT.sizes!;
    console.log(
      `Emulated Entra ID tenant ${emulator.tenant.defaultDomain} (seed ${DEMO_TENANT.seed}): ${n(sizes.users)} users, ${n(sizes.servicePrincipals)} service principals, ${n(sizes.signIns)} sign-ins; Graph throttling model ${DEMO_TENANT.throttling!.timeScale}x faster than real.`,
    );
    phase('emulator');
    const startDate = isoSecond(emulator.tenant.now.getTime() - DEMO_SIGN_IN_DAYS * 86_400_000);
    const configFile = join(work, 'config.json');
    // One directory extension of the tenant as an additional user property, so that users shows the option (README example).
    const costCenter = emulator.tenant.directoryExtensions?.find((e) => e.name.endsWith('_costCenter'))?.name;
    const config = emulator.config({ start_date: startDate, ...(costCenter ? { additional_user_properties: [costCenter] } : {}) });
    writeFileSync(configFile, JSON.stringify(config), { mode: 0o600 });

    const check = await collect(['check', '--config', configFile], emulator.env);
    const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
    console.log(
      `check      ${status ? `${status.status}${status.message ? `: ${status.message}` : ''}` : `no status (exit ${check.code}): ${failureOf(check, check.messages)}`}`,
    );
    if (status?.status !== 'SUCCEEDED') throw new DemoError('check did not succeed; see its message above.');

    phase('check');
    const discovered = await collect(['discover', '--config', configFile], emulator.env);
    const streams = discovered.messages.find((m) => m.type === 'CATALOG')?.catalog?.streams as any[] | undefined;
    if (discovered.code !== 0 || !streams)
      throw new DemoError(`discover failed (exit ${discovered.code}): ${failureOf(discovered, discovered.messages)}`);
    console.log(`discover   ${streams.length} streams: ${streams.map((s) => s.name).join(', ')}`);

    phase('discover');
    landing = await Landing.open(dbFile);
    const previous = await savedState(landing);
    const targets: StreamTarget[] = [];
    const configured = streams.map((stream) => {
      const incremental = stream.supported_sync_modes.includes('incremental') && stream.default_cursor_field;
      targets.push({
        name: stream.name,
        jsonSchema: stream.json_schema,
        primaryKey: stream.source_defined_primary_key,
        mode: incremental ? 'append_dedup' : 'overwrite',
      });
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        primary_key: stream.source_defined_primary_key,
        ...(incremental ? { cursor_field: stream.default_cursor_field } : {}),
      };
    });
    const catalogFile = join(work, 'catalog.json');
    writeFileSync(catalogFile, JSON.stringify({ streams: configured }));
    const args = ['read', '--config', configFile, '--catalog', catalogFile];
    if (previous) {
      writeFileSync(join(work, 'state.json'), JSON.stringify(previous));
      args.push('--state', join(work, 'state.json'));
    }
    const savedCursor = (stream: string, cursor: string) =>
      previous?.find((m) => m.stream?.stream_descriptor?.name === stream)?.stream?.stream_state?.[cursor] as string | undefined;
    const cursorIn = savedCursor('sign_ins', 'createdDateTime');
    const auditsCursorIn = savedCursor('directory_audits', 'activityDateTime');
    const names = (mode: string) =>
      configured
        .filter((c) => c.sync_mode === mode)
        .map((c) => c.stream.name)
        .join(', ') || 'none';
    console.log(`read       full refresh: ${names('full_refresh')}; incremental: ${names('incremental')}`);
    console.log(
      cursorIn
        ? `           sign_ins and directory_audits from their saved cursors minus the ${LOOKBACK_MINUTES}-minute lookback (state: ${shown(stateFile)})`
        : `           first run: sign_ins and directory_audits from ${startDate}`,
    );

    await landing.startStaging();
    const read = new Map<string, number>();
    const states = new Map<string, Message>((previous ?? []).map((m) => [m.stream.stream_descriptor.name, m]));
    const errors: Message[] = [];
    const stage = landing;
    const run = await runConnector(args, emulator.env, (message) => {
      if (message.type === 'RECORD') {
        stage.stage(message.record.stream, message.record.emitted_at, message.record.data);
        read.set(message.record.stream, (read.get(message.record.stream) ?? 0) + 1);
      } else if (message.type === 'STATE') {
        states.set(message.state.stream.stream_descriptor.name, { type: 'STREAM', stream: message.state.stream });
      } else if (message.type === 'TRACE' && message.trace.type === 'ERROR') {
        errors.push(message);
      } else if (message.type === 'LOG' && ['WARN', 'ERROR', 'FATAL'].includes(message.log.level)) {
        console.log(`           connector ${message.log.level}: ${message.log.message}`);
      }
    });
    if (run.code !== 0) {
      throw new DemoError(
        `the read failed (exit ${run.code}): ${failureOf(run, errors)}\nNothing was written; the saved state is unchanged.`,
      );
    }
    const total = [...read.values()].reduce((a, b) => a + b, 0);
    console.log(`           ${n(total)} records in ${((Date.now() - phaseStart) / 1000).toFixed(1)} s`);

    phase('read');
    await landing.finish(targets);
    phase('DuckDB load');
    // Only after the tables are committed: a saved state never runs ahead of the data it describes.
    writeAtomically(stateFile, `${JSON.stringify([...states.values()], null, 2)}\n`);

    const cursorOut = states.get('sign_ins')?.stream.stream_state.createdDateTime as string;
    const auditsCursorOut = states.get('directory_audits')?.stream.stream_state.activityDateTime as string;
    const rangeFrom = (saved: string | undefined) =>
      saved ? new Date(Date.parse(saved) - LOOKBACK_MINUTES * 60_000) : new Date(startDate);
    const from = rangeFrom(cursorIn);
    const tenant = tenantCounts(
      emulator,
      { from, to: new Date(cursorOut) },
      { from: rangeFrom(auditsCursorIn), to: new Date(auditsCursorOut) },
    );
    const expiryFrom = new Date();
    const report: DemoRunReport = {
      mode: cursorIn ? 'incremental' : 'full',
      signInsRange: { from: from.toISOString(), to: cursorOut },
      tables: {},
      answers: {
        licences: await licences(landing),
        expiringCredentials: { at: expiryFrom.toISOString(), rows: await expiringCredentials(landing, expiryFrom) },
      },
      duckdbFile: dbFile,
    };
    for (const name of DEMO_TABLES) {
      const [{ rows }] = (await landing.query(`SELECT count(*)::INTEGER AS rows FROM "${name}"`)) as [{ rows: number }];
      report.tables[name] = { rows, readThisRun: read.get(name) ?? 0, tenantInRange: tenant[name]! };
    }
    writeAtomically(reportFile, `${JSON.stringify(report, null, 2)}\n`);

    console.log(`\nTables in ${shown(dbFile)} (de-duplicated by primary key):`);
    console.log(
      table(
        DEMO_TABLES.map((name) => {
          const t = report.tables[name]!;
          const matches = WINDOWED.has(name) ? t.readThisRun === t.tenantInRange : t.rows === t.tenantInRange;
          return { name, ...t, check: matches ? 'yes' : 'NO' };
        }),
        [
          ['name', 'table'],
          ['rows', 'rows'],
          ['readThisRun', 'read this run'],
          ['tenantInRange', 'tenant has (range read)'],
          ['check', 'match'],
        ],
      ),
    );

    console.log('\nApplications with the most assigned users:');
    console.log(
      table(
        await landing.query(`SELECT resourceDisplayName AS application, count(DISTINCT userId)::INTEGER AS users, count(DISTINCT viaGroupId)::INTEGER AS via_groups
FROM app_role_assignments WHERE principalType <> 'ServicePrincipal' GROUP BY ALL ORDER BY users DESC, application LIMIT 5`),
        [
          ['application', 'application'],
          ['users', 'assigned users'],
          ['via_groups', 'through groups'],
        ],
      ),
    );
    console.log('\nSign-ins per application:');
    console.log(
      table(
        await landing.query(`SELECT appDisplayName AS application, count(*)::INTEGER AS sign_ins, count(DISTINCT userId)::INTEGER AS users, max(createdDateTime) AS last_sign_in
FROM sign_ins GROUP BY ALL ORDER BY sign_ins DESC, application LIMIT 5`),
        [
          ['application', 'application'],
          ['sign_ins', 'sign-ins'],
          ['users', 'users'],
          ['last_sign_in', 'last sign-in (UTC)'],
        ],
      ),
    );
    console.log('\nLicences bought versus assigned:');
    console.log(
      table(report.answers.licences as unknown as Record<string, unknown>[], [
        ['licence', 'licence (SKU)'],
        ['bought', 'bought'],
        ['assigned', 'assigned'],
        ['unassigned', 'unassigned'],
        ['status', 'status'],
      ]),
    );
    const expiring = report.answers.expiringCredentials.rows;
    console.log(
      `\nApp registrations whose secrets or certificates expire within ${EXPIRY_WINDOW_DAYS} days: ${n(expiring.length)} credentials of ${n(new Set(expiring.map((r) => r.appId)).size)} registrations`,
    );
    if (expiring.length > 0)
      console.log(
        table(
          expiring.slice(0, 8).map((row) => ({ ...row, expires: row.expires.slice(0, 16).replace('T', ' ') })),
          [
            ['application', 'app registration'],
            ['kind', 'kind'],
            ['credential', 'credential'],
            ['expires', 'expires (UTC)'],
          ],
        ),
      );
    if (expiring.length > 8) console.log(`  ... and ${n(expiring.length - 8)} more (all of them in ${shown(reportFile)})`);
    console.log(`\nDuckDB file: ${dbFile}`);
    console.log(`State:       ${stateFile} (run \`npm run demo\` again for an incremental sign_ins sync)`);
    phase('summary');
    console.log(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.join(', ')}). Explore with: duckdb ${shown(dbFile)} "SELECT * FROM users LIMIT 5"`,
    );
  } finally {
    landing?.close();
    await emulator.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof DemoError ? error.message : ((error as Error).stack ?? String(error))}`);
  process.exitCode = 1;
});
