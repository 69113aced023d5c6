// A long wait for Graph's throttling budget during a read: the real entrypoint reports RUNNING with a RATE_LIMITED reason for the stream being read, and for no other.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type Message, runConnector } from '../support/connector.js';
import { catalogOf } from '../support/fixtures.js';

let emulator: Emulator;
before(async () => {
  emulator = await startEmulator({
    seed: 3,
    sizes: { users: 8, servicePrincipals: 5, groups: 2, bigGroupSizes: [], assignments: 6, signIns: 5 },
  });
});
after(() => emulator.stop());

const statusesOf = (messages: Message[], stream: string) =>
  messages
    .filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS' && m.trace.stream_status.stream_descriptor.name === stream)
    .map((m) => m.trace.stream_status);

test('a Retry-After over a second on service_principals: RUNNING with RATE_LIMITED for service_principals only', async () => {
  // users is read first, then service_principals: the throttle hits the second stream only.
  emulator.setFaults([{ kind: 'throttle', times: 1, path: '^/v1\\.0/servicePrincipals\\?', retryAfterSeconds: 1.5 }]);
  const started = Date.now();
  const result = await runConnector(['read'], {
    config: emulator.config(),
    catalog: catalogOf([{ name: 'users' }, { name: 'service_principals' }]),
    env: emulator.env,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(emulator.metrics().throttled, 1, 'the throttle hit the run');

  const users = statusesOf(result.messages, 'users');
  assert.deepEqual(
    users.map((s) => s.status),
    ['STARTED', 'RUNNING', 'COMPLETE'],
  );
  assert.ok(
    users.every((s) => s.reasons === undefined),
    'users never waited',
  );

  const servicePrincipals = statusesOf(result.messages, 'service_principals');
  assert.equal(servicePrincipals[0].status, 'STARTED');
  assert.equal(servicePrincipals.at(-1).status, 'COMPLETE');
  const limited = servicePrincipals.filter((s) => s.reasons?.some((r: { type: string }) => r.type === 'RATE_LIMITED'));
  assert.ok(limited.length >= 1, JSON.stringify(servicePrincipals));
  for (const status of limited) {
    assert.equal(status.status, 'RUNNING');
    const reset = status.reasons[0].rate_limited.quota_reset;
    assert.ok(reset >= started + 1_400 && reset <= Date.now() + 1_000, `quota_reset ${reset} is about 1.5 s after the throttle`);
  }
});
