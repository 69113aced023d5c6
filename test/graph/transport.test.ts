// The transport's CA list: none of its own when Node already trusts NODE_EXTRA_CA_CERTS from process start, else Node's roots plus the file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { rootCertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator } from '../emulator/index.js';
import { fixture } from '../emulator/state.js';
import { SMALL } from '../support/graph-helpers.js';

const transportModule = fileURLToPath(new URL('../../source-azure-client-credentials/graph/transport.js', import.meta.url));

/**
 * Runs `body` in a fresh node started with NODE_EXTRA_CA_CERTS=`startedWith` (the variable Node reads once, at start),
 * with `certificateAuthorities` and `createTransport` in scope; prints what body returns as JSON.
 */
async function inChild(startedWith: string, body: string): Promise<unknown> {
  const script = `const { certificateAuthorities, createTransport, DEFAULT_TIMEOUTS } = await import(${JSON.stringify(transportModule)});
process.stdout.write(JSON.stringify(await (async () => { ${body} })()));`;
  // Asynchronous: the emulator of a test runs in this process and must keep answering meanwhile.
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: startedWith },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

test('the file the process started with adds no list (Node trusts it already); another file gives the roots plus that file', async () => {
  const started = fixture('ca.pem');
  const other = fixture('other-cert.pem');
  const result = (await inChild(
    started,
    `const other = certificateAuthorities({ NODE_EXTRA_CA_CERTS: ${JSON.stringify(other)} });
return { same: certificateAuthorities({ NODE_EXTRA_CA_CERTS: ${JSON.stringify(started)} }) ?? null, none: certificateAuthorities({}) ?? null, otherCount: other.length, otherLast: other.at(-1) };`,
  )) as { same: null; none: null; otherCount: number; otherLast: string };
  assert.equal(result.same, null);
  assert.equal(result.none, null);
  assert.equal(result.otherCount, rootCertificates.length + 1);
  assert.equal(result.otherLast, readFileSync(other, 'utf8'));
});

test('without a list of its own, a process started with NODE_EXTRA_CA_CERTS reaches a server signed by that CA', async () => {
  const emulator = await startEmulator({ sizes: SMALL });
  try {
    const status = await inChild(
      fixture('ca.pem'),
      `const { http, agent } = createTransport({ ca: certificateAuthorities(process.env), timeouts: DEFAULT_TIMEOUTS, userAgent: 'test' });
try { return (await http(${JSON.stringify(`${emulator.url}/v1.0/organization`)}, { throwHttpErrors: false })).statusCode; } finally { agent.destroy(); }`,
    );
    // Reached and answered (401: no token sent); an untrusted certificate would have thrown in the child instead.
    assert.equal(status, 401);
  } finally {
    await emulator.stop();
  }
});
