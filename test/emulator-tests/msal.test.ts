// A real @azure/msal-node client plus got, in a child process that trusts the emulator only through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Emulator } from '../emulator/emulator.js';
import { startMiniEmulator } from '../emulator/mini-tenant.js';

const probe = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator', 'msal-probe.js');

describe('msal-node and got against the emulator over HTTPS', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startMiniEmulator({ users: 2500 });
  });
  after(() => emulator.stop());

  const run = async (extra: Record<string, string>) => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...emulator.env,
      PROBE_URL: emulator.url,
      PROBE_CLIENT_ID: emulator.credentials.clientId,
      ...extra,
    };
    const { stdout } = await promisify(execFile)(process.execPath, [probe], { env, timeout: 30_000 });
    return JSON.parse(stdout.trim());
  };

  it('acquires a token with a client secret (tenant id and domain) and pages through every user', async () => {
    for (const tenant of [emulator.tenant.tenantId, emulator.tenant.defaultDomain]) {
      const result = await run({ PROBE_TENANT: tenant, PROBE_SECRET: emulator.credentials.clientSecret });
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.pages, 3);
      assert.deepEqual(new Set(result.ids), new Set(emulator.tenant.users.map((u) => u.id)));
      assert.equal(result.ids.length, 2500);
    }
    assert.equal(emulator.metrics().secretSeenByGraph, false);
  });

  it('acquires a token with the registered certificate (msal signs a PS256 assertion with x5t#S256)', async () => {
    const cert = emulator.credentials.clientCertificate;
    const result = await run({
      PROBE_TENANT: emulator.tenant.tenantId,
      PROBE_CERT: cert.certificatePath,
      PROBE_KEY: cert.privateKeyPath,
      PROBE_THUMBPRINT: cert.thumbprintSha256,
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.ids.length, 2500);
  });

  it('surfaces AADSTS7000215 for a wrong secret and endpoints_resolution_error for an unknown tenant', async () => {
    const wrong = await run({ PROBE_TENANT: emulator.tenant.tenantId, PROBE_SECRET: 'not-the-secret' });
    assert.equal(wrong.ok, false);
    assert.match(wrong.message, /AADSTS7000215/);
    const unknown = await run({ PROBE_TENANT: '99999999-9999-4999-8999-999999999999', PROBE_SECRET: emulator.credentials.clientSecret });
    assert.equal(unknown.ok, false);
    assert.equal(unknown.errorCode, 'endpoints_resolution_error');
  });
});
