// The benchmark's emulator child: serves one seeded tenant in its own process (own core) and answers the bench over IPC.
// Started by bench.ts with fork(); argv[2] is the JSON of the ServerOptions. It can also record the Graph requests it
// receives (method, URL, body) so the cpu scenario's baseline replays exactly the requests the connector made.
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { type ServerOptions, startEmulator } from '../test/emulator/index.js';

/** One Graph request as received (token and discovery requests are not recorded). */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent, e.g. /v1.0/users?$select=...&$top=999 */
  path: string;
  body?: string;
}

/** What the bench can ask; every answer echoes `id`. */
export type EmulatorCommand =
  | { id: number; cmd: 'metrics' }
  | { id: number; cmd: 'reset' }
  | { id: number; cmd: 'record'; on: boolean }
  | { id: number; cmd: 'recorded' }
  | { id: number; cmd: 'stop' };

export interface EmulatorReady {
  ready: true;
  url: string;
  env: Record<string, string>;
  config: Record<string, unknown>;
  credentials: { tenantId: string; clientId: string; clientSecret: string };
  generateMs: number;
  counts: { users: number; servicePrincipals: number; groups: number; signIns: number; directoryAudits: number; assignments: number };
}

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
  const started = performance.now();
  const emulator = await startEmulator(options);
  const generateMs = Math.round(performance.now() - started);

  let recording = false;
  let recorded: RecordedRequest[] = [];
  // Node publishes every incoming request here before the server's handler runs, so a 'data'
  // listener added now sees the same body chunks as the emulator's own reader.
  subscribe('http.server.request.start', (message) => {
    if (!recording) return;
    const req = (message as { request: IncomingMessage }).request;
    const path = req.url ?? '';
    if (!path.startsWith('/v1.0/')) return;
    const entry: RecordedRequest = { method: req.method ?? 'GET', path };
    recorded.push(entry);
    if (entry.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => (entry.body = Buffer.concat(chunks).toString('utf8')));
    }
  });

  process.on('message', (raw) => {
    const command = raw as EmulatorCommand;
    const answer = (value: unknown) => process.send!({ id: command.id, value });
    switch (command.cmd) {
      case 'metrics':
        return answer(emulator.metrics());
      case 'reset':
        emulator.resetMetrics();
        return answer(true);
      case 'record':
        recording = command.on;
        if (command.on) recorded = [];
        return answer(true);
      case 'recorded':
        return answer(recorded);
      case 'stop':
        void emulator.stop().then(() => {
          answer(true);
          process.disconnect();
        });
        return;
    }
  });
  // The bench going away (crash, Ctrl-C) must not leave a server behind.
  process.on('disconnect', () => void emulator.stop().then(() => process.exit(0)));

  const t = emulator.tenant;
  let assignments = 0;
  for (const list of t.assignments.values()) assignments += list.length;
  const ready: EmulatorReady = {
    ready: true,
    url: emulator.url,
    env: emulator.env,
    config: emulator.config(),
    credentials: emulator.credentials,
    generateMs,
    counts: {
      users: t.users.length,
      servicePrincipals: t.servicePrincipals.length,
      groups: t.groups.length,
      signIns: t.signIns.length,
      directoryAudits: t.directoryAudits?.length ?? 0,
      assignments,
    },
  };
  process.send!(ready);
}

main().catch((error: Error) => {
  process.stderr.write(`bench emulator failed: ${error.stack ?? error.message}\n`);
  process.exit(2);
});
