// Measures the emulator's own serving rate (records/s) for users and sign-in pages over HTTPS with got.
// Usage: npm run build && node dist/test/emulator/throughput.js [users=100000] [signIns=200000] [concurrency=4]
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { createEmulator } from './emulator.js';
import { generateTenant } from './tenant.js';
import { allPages, graphSession } from './test-client.js';
import type { Tenant } from './types.js';

export interface Throughput {
  generateMs: number;
  users: { records: number; pages: number; ms: number; perSecond: number };
  signIns: { records: number; pages: number; ms: number; perSecond: number };
}

/** Follows one page chain in a worker thread (so the client's JSON parsing does not share the server's thread). */
function chainInWorker(url: string, token: string): Promise<{ records: number; pages: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { url, token } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Pages through independent page chains concurrently (one worker each) and times them. */
async function timeChains(urls: string[], token: string) {
  const started = performance.now();
  const results = await Promise.all(urls.map((url) => chainInWorker(url, token)));
  const ms = performance.now() - started;
  const records = results.reduce((n, r) => n + r.records, 0);
  return { records, pages: results.reduce((n, r) => n + r.pages, 0), ms: Math.round(ms), perSecond: Math.round((records / ms) * 1000) };
}

if (!isMainThread) {
  const { url, token } = workerData as { url: string; token: string };
  const pages = await allPages(url, token);
  parentPort!.postMessage({ records: pages.reduce((n, page) => n + page.value.length, 0), pages: pages.length });
}

export async function measureThroughput(tenant: Tenant, generateMs: number, concurrency = 4): Promise<Throughput> {
  const emulator = await createEmulator(
    tenant,
    {},
    {
      truth: { users: () => [], servicePrincipals: () => [], appRoleAssignments: () => [], signIns: () => [], directoryAudits: () => [] },
      mutate: () => [],
    },
  );
  try {
    const session = await graphSession(emulator);
    const select =
      'id,userPrincipalName,mail,otherMails,proxyAddresses,givenName,surname,displayName,createdDateTime,department,officeLocation,city,state,country,usageLocation,jobTitle,companyName,employeeId,employeeHireDate,employeeType,accountEnabled,userType,externalUserState,creationType';
    // Warm-up (serialization caches are filled on first use; the figures below are a second full pass each).
    const users = `${emulator.url}/v1.0/users?$select=${select}&$top=999`;
    await timeChains([users], session.token);
    const usersRate = await timeChains(Array(concurrency).fill(users), session.token);
    // Sign-ins: `concurrency` ascending time windows over retention, as a connector reads them.
    const start = tenant.now.getTime() - tenant.retentionDays * 86_400_000 + 60_000;
    const step = (tenant.now.getTime() - start) / concurrency;
    const windows = Array.from({ length: concurrency }, (_, i) => {
      const from = new Date(start + i * step).toISOString();
      const to = new Date(start + (i + 1) * step).toISOString();
      return `${emulator.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${from} and createdDateTime lt ${to}`)}&$top=1000`;
    });
    await timeChains(windows, session.token);
    const signInsRate = await timeChains(windows, session.token);
    return { generateMs, users: usersRate, signIns: signInsRate };
  } finally {
    await emulator.stop();
  }
}

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const [users = 100_000, signIns = 200_000, concurrency = 4] = process.argv.slice(2).map(Number);
  const started = performance.now();
  const tenant = generateTenant(1, { users, signIns, servicePrincipals: 500, groups: 200, assignments: 5000 });
  const generateMs = Math.round(performance.now() - started);
  const result = await measureThroughput(tenant, generateMs, concurrency);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
