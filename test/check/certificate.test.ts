// Certificate credentials end to end: msal client assertions against the emulator, and every bad certificate refused before any request.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { certificateCredential, normalizePem } from '../../source-azure-client-credentials/credentials.js';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { fixture } from '../emulator/state.js';
import { type RunResult, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';

const SIZES = { users: 8, servicePrincipals: 3, groups: 2, bigGroupSizes: [], assignments: 4, signIns: 3 };
const PASSPHRASE = 'test-only-passphrase';
const pem = (name: string) => readFileSync(fixture(name), 'utf8');
const CERT = pem('client-cert.pem');
const KEY = pem('client-key.pem');
/** Every private key the tests hand to the connector; none of their base64 lines may ever be printed. */
const KEYS = ['client-key.pem', 'client-key-encrypted.pem', 'client-key-encrypted-traditional.pem', 'other-key.pem'].map(pem);
const EC_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

let em: Emulator;
before(async () => {
  em = await startEmulator({ seed: 12, sizes: SIZES });
});
after(() => em.stop());
beforeEach(() => em.resetMetrics());

const certificateConfig = (credentials: Record<string, unknown> = {}) =>
  em.config({ credentials: { auth_type: 'certificate', certificate: CERT, private_key: KEY, ...credentials } });

function assertNoKeyMaterial(result: RunResult, extra: string[] = []): void {
  const lines = [...KEYS, EC_KEY].flatMap((key) =>
    key.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----') && !line.includes(':')),
  );
  for (const secret of [...lines, PASSPHRASE, ...extra]) {
    assert.ok(!result.stdout.includes(secret), 'private key material or a passphrase appeared on stdout');
    assert.ok(!result.stderr.includes(secret), 'private key material or a passphrase appeared on stderr');
  }
}

async function check(config: Record<string, unknown>, env: Record<string, string> = {}) {
  const result = await runConnector(['check'], { env: { ...em.env, ...env }, config, timeoutMs: 60_000 });
  assert.equal(result.code, 0, `check must exit 0; stderr: ${result.stderr.slice(-500)}`);
  assertNoKeyMaterial(result);
  return { status: result.connectionStatus()!, result };
}

/** base64url SHA-256 of the certificate's DER: what the x5t#S256 header must carry. */
const x5tS256 = (certificatePem: string) => createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('base64url');

describe('certificate credentials against the emulator', () => {
  test('check SUCCEEDED: msal signs a PS256 client assertion with the x5t#S256 thumbprint and no x5c', async () => {
    const { status } = await check(certificateConfig());
    assert.equal(status.status, 'SUCCEEDED', status.message);
    const token = em.metrics().lastTokenRequest!;
    assert.equal(token.clientAuth, 'client_assertion');
    assert.deepEqual(token.assertion, { alg: 'PS256', x5tS256: x5tS256(CERT), x5c: false });
    assert.equal(em.metrics().tokensIssued, 1);
  });

  test("read users with auth_type certificate yields exactly the tenant's users", async () => {
    const result = await runConnector(['read'], {
      env: em.env,
      config: certificateConfig(),
      catalog: catalogOf([{ name: 'users' }]),
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, result.stderr.slice(-500));
    assertNoKeyMaterial(result);
    const ids = result
      .records('users')
      .map((r) => r.id)
      .sort();
    assert.deepEqual(
      ids,
      em.truth
        .users({ includeGuests: false, domains: [] })
        .map((u) => u.id)
        .sort(),
    );
    assert.ok(ids.length > 0);
    assert.equal(em.metrics().lastTokenRequest!.clientAuth, 'client_assertion');
  });

  test('an encrypted key with its passphrase works, in PKCS#8 and in the traditional Proc-Type form', async () => {
    for (const name of ['client-key-encrypted.pem', 'client-key-encrypted-traditional.pem']) {
      const { status } = await check(certificateConfig({ private_key: pem(name), private_key_passphrase: PASSPHRASE }));
      assert.equal(status.status, 'SUCCEEDED', `${name}: ${status.message}`);
    }
  });

  test('send_x5c puts the certificate in the assertion header (and the emulator checks it is the registered one)', async () => {
    const { status } = await check(certificateConfig({ send_x5c: true }));
    assert.equal(status.status, 'SUCCEEDED', status.message);
    assert.equal(em.metrics().lastTokenRequest!.assertion!.x5c, true);
  });

  test('a PEM pasted with literal \\n or flattened onto one line still works', async () => {
    const flat = (text: string) => text.trim().replace(/\n/g, ' ');
    const { status } = await check(certificateConfig({ certificate: CERT.replace(/\n/g, '\\n'), private_key: flat(KEY) }));
    assert.equal(status.status, 'SUCCEEDED', status.message);
  });

  test('a valid certificate that is not uploaded to the app: FAILED naming AADSTS700027, the thumbprint and where to upload', async () => {
    const other = pem('other-cert.pem');
    const { status } = await check(certificateConfig({ certificate: other, private_key: pem('other-key.pem') }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /AADSTS700027/);
    assert.ok(status.message!.includes(new X509Certificate(other).fingerprint.replace(/:/g, '')), status.message);
    assert.match(status.message!, /Certificates & secrets > Certificates > Upload certificate/);
    assert.equal(em.metrics().tokensIssued, 0);
  });
});

const truncated = (text: string) => {
  const lines = text.trim().split('\n');
  return [...lines.slice(0, 4), ...lines.slice(-1)].join('\n');
};

/** Each bad certificate credential, the message it must give, and no request at all. */
const BAD: { name: string; credentials: Record<string, unknown>; message: RegExp }[] = [
  {
    name: 'certificate is not PEM',
    credentials: { certificate: 'not a certificate' },
    message: /credentials\.certificate is not a PEM certificate/,
  },
  {
    name: 'certificate PEM cut short',
    credentials: { certificate: truncated(CERT) },
    message: /credentials\.certificate has a -----BEGIN CERTIFICATE----- block that does not parse/,
  },
  {
    name: 'a key pasted as the certificate',
    credentials: { certificate: KEY },
    message: /credentials\.certificate holds a private key, not a certificate/,
  },
  {
    name: 'private key is not PEM',
    credentials: { private_key: 'not a key at all' },
    message: /credentials\.private_key is not a PEM private key/,
  },
  {
    name: 'private key PEM cut short',
    credentials: { private_key: truncated(KEY) },
    message: /credentials\.private_key has a private key block that does not parse/,
  },
  {
    name: 'the certificate pasted as the key',
    credentials: { private_key: CERT },
    message: /credentials\.private_key holds a certificate, not a private key/,
  },
  {
    name: 'encrypted key without passphrase',
    credentials: { private_key: pem('client-key-encrypted.pem') },
    message: /credentials\.private_key is encrypted, but credentials\.private_key_passphrase is empty/,
  },
  {
    name: 'encrypted key with a wrong passphrase',
    credentials: { private_key: pem('client-key-encrypted.pem'), private_key_passphrase: 'wrong-passphrase-1' },
    message: /credentials\.private_key_passphrase does not decrypt credentials\.private_key/,
  },
  {
    name: 'traditional encrypted key with a wrong passphrase',
    credentials: { private_key: pem('client-key-encrypted-traditional.pem'), private_key_passphrase: 'wrong-passphrase-2' },
    message: /credentials\.private_key_passphrase does not decrypt credentials\.private_key/,
  },
  {
    name: 'key of another certificate',
    credentials: { private_key: pem('other-key.pem') },
    message: /credentials\.private_key does not belong to credentials\.certificate/,
  },
  {
    name: 'expired certificate',
    credentials: { certificate: pem('expired-cert.pem') },
    message: /credentials\.certificate \(thumbprint [0-9A-F]{40}\) expired on 2021-01-01T00:00:00\.000Z/,
  },
  {
    name: 'certificate not valid yet',
    credentials: { certificate: pem('future-cert.pem') },
    message: /credentials\.certificate \(thumbprint [0-9A-F]{40}\) is not valid before 2100-01-01T00:00:00\.000Z/,
  },
  { name: 'an EC key', credentials: { private_key: EC_KEY }, message: /credentials\.private_key is an EC key; .* need an RSA key/ },
  {
    name: 'private_key missing',
    credentials: { private_key: undefined },
    message: /^The config is invalid: credentials\.private_key is required\. /,
  },
];

describe('bad certificate credentials: a config error before any request', () => {
  test('check: FAILED (exit 0) with the field-naming message, and zero requests', async () => {
    await Promise.all(
      BAD.map(async ({ name, credentials, message }) => {
        const { status, result } = await check(certificateConfig(credentials));
        assert.equal(status.status, 'FAILED', name);
        assert.match(status.message!, message, name);
        assertNoKeyMaterial(result, ['wrong-passphrase-1', 'wrong-passphrase-2']);
      }),
    );
    assert.equal(em.metrics().totalRequests, 0);
    assert.equal(em.metrics().lastTokenRequest, undefined);
  });

  test('read: an ERROR trace with failure_type config_error and the same message, and zero requests', async () => {
    await Promise.all(
      BAD.map(async ({ name, credentials, message }) => {
        const result = await runConnector(['read'], {
          env: em.env,
          config: certificateConfig(credentials),
          catalog: catalogOf([{ name: 'users' }]),
          timeoutMs: 60_000,
        });
        assert.notEqual(result.code, 0, name);
        const [error] = result.errors();
        assert.equal(error?.failure_type, 'config_error', name);
        assert.match(error.message, message, name);
        assert.equal(result.records().length, 0, name);
        assertNoKeyMaterial(result, ['wrong-passphrase-1', 'wrong-passphrase-2']);
      }),
    );
    assert.equal(em.metrics().totalRequests, 0);
  });

  test("an unknown auth_type is named with the valid values, not with every option's complaints", async () => {
    const { status } = await check(em.config({ credentials: { auth_type: 'password', password: 'x' } }));
    assert.equal(status.status, 'FAILED');
    assert.match(status.message!, /credentials\.auth_type must be "client_secret" or "certificate"/);
    assert.doesNotMatch(status.message!, /client_secret is required|certificate is required/);
    assert.equal(em.metrics().totalRequests, 0);
  });
});

describe('certificateCredential (in process)', () => {
  test('the SHA-256 thumbprint is the one the emulator registered; the key comes back decrypted; x5c only when asked', () => {
    const plain = certificateCredential({
      certificate: CERT,
      private_key: pem('client-key-encrypted.pem'),
      private_key_passphrase: PASSPHRASE,
    });
    assert.equal(plain.thumbprintSha256, em.credentials.clientCertificate.thumbprintSha256);
    assert.equal(plain.thumbprint, em.credentials.clientCertificate.thumbprint);
    assert.match(plain.privateKey, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(plain.x5c, undefined);
    const withChain = certificateCredential({ certificate: CERT, private_key: KEY, send_x5c: true });
    assert.equal(withChain.x5c, normalizePem(CERT));
  });

  test('validity is judged against the given clock', () => {
    const expired = { certificate: pem('expired-cert.pem'), private_key: KEY };
    assert.doesNotThrow(() => certificateCredential(expired, new Date('2020-06-01T00:00:00Z')));
    assert.throws(() => certificateCredential(expired, new Date('2021-01-01T00:00:00Z')), /expired on 2021-01-01/);
  });
});
