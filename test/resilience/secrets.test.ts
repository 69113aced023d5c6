// Secrets: the client secret, a certificate's private key and access tokens never appear in stdout or stderr, and Graph never receives the secret.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { fullCatalog } from '../support/ground-truth.js';
import { assertNoLeaks, assertRunLeaksNothing, forbiddenStrings } from '../support/leaks.js';

describe('secrets never leak', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({
      seed: 31,
      sizes: { users: 30, servicePrincipals: 8, groups: 3, bigGroupSizes: [], assignments: 25, signIns: 100 },
      throttling: { enabled: false, timeScale: 100 },
      // Short tokens: several are issued during one read, and each must stay out of the output.
      tokenLifetimeSeconds: 3,
      latencyMs: 30,
    });
  });
  after(async () => emulator?.stop());

  const run = (args: string[], config: Record<string, unknown>, extra: { catalog?: unknown } = {}) =>
    runConnector(args, { config, env: emulator.env, timeoutMs: 60_000, ...extra });

  test('a full read of all four streams at DEBUG prints no secret, key or token, and Graph never sees the secret', async () => {
    const before = emulator.metrics().tokensIssued;
    const result = await run(['read', '--debug'], emulator.config({ include_sign_in_activity: true }), { catalog: fullCatalog() });
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    assert.ok(result.logs('DEBUG').length > 10, 'DEBUG logging was not on: the test would prove little');
    assert.ok(emulator.metrics().tokensIssued - before >= 1);
    assertRunLeaksNothing(result, emulator);
  });

  test('check and discover print no secret or token', async () => {
    for (const command of ['check', 'discover']) {
      const result = await run([command, '--debug'], emulator.config());
      assert.equal(result.code, 0, `${command}: ${JSON.stringify(result.errors())}`);
      assertRunLeaksNothing(result, emulator, command);
    }
  });

  // Certificate credentials: the emulator's client certificate and key (test/emulator/fixtures).
  const certificateConfig = (privateKey: string) =>
    emulator.config({
      credentials: {
        auth_type: 'certificate',
        certificate: readFileSync(emulator.credentials.clientCertificate.certificatePath, 'utf8'),
        private_key: privateKey,
      },
    });

  test('certificate credentials: a full read at DEBUG prints no line of the private key and no token', async () => {
    const key = readFileSync(emulator.credentials.clientCertificate.privateKeyPath, 'utf8');
    const result = await run(['read', '--debug'], certificateConfig(key), { catalog: fullCatalog() });
    assert.equal(result.code, 0, JSON.stringify(result.errors()));
    // forbiddenStrings always includes every line of this key.
    assertRunLeaksNothing(result, emulator, 'certificate read');
  });

  test('certificate credentials with a key that does not match: the refusal never shows the key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const lines = other.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'));
    for (const command of ['check', 'read']) {
      const result = await run([command, '--debug'], certificateConfig(other), command === 'read' ? { catalog: fullCatalog() } : {});
      const message = command === 'check' ? result.connectionStatus()?.message : result.errors()[0]?.message;
      assert.ok(message && message.length > 10, `${command}: no message explains the refusal`);
      if (command === 'check') assert.equal(result.connectionStatus()?.status, 'FAILED');
      else assert.notEqual(result.code, 0);
      assertNoLeaks(result, forbiddenStrings(emulator, lines), `mismatched key (${command})`);
    }
  });

  // Wrong secrets the token endpoint refuses: the message explains, but never repeats the value, in any encoding.
  const wrongSecrets = [
    ['an ordinary wrong secret', 'Wr0ng~Secret.Value_0123456789abcdefXYZ'],
    ['a secret ID (GUID) pasted as the secret', '6f1c3a52-9d4e-4b7a-8c21-0e5f7a9b3d18'],
    ['a secret with JSON and URL special characters', 'q"uo\\te&plus+eq=pct%sp ace/<tag>~end'],
  ] as const;
  for (const [what, secret] of wrongSecrets) {
    test(`${what}: check fails with a readable message that does not contain it`, async () => {
      const config = emulator.config({ credentials: { auth_type: 'client_secret', client_secret: secret } });
      for (const command of ['check', 'read']) {
        const result: RunResult = await run([command, '--debug'], config, command === 'read' ? { catalog: fullCatalog() } : {});
        const message = command === 'check' ? result.connectionStatus()?.message : result.errors()[0]?.message;
        assert.match(message ?? '', /client secret|AADSTS7000215/i, `${what} (${command}): ${message}`);
        assertNoLeaks(result, forbiddenStrings(emulator, [secret]), `${what} (${command})`);
        assert.equal(emulator.metrics().secretSeenByGraph, false);
      }
    });
  }
});
