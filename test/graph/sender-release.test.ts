// The sender hands the caller the parsed body and leaves got's response without it (a dead response must not keep pages alive).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Response } from 'got';
import { Pacer, Semaphore } from '../../source-azure-client-credentials/graph/pacing.js';
import { DEFAULT_RETRY_POLICY } from '../../source-azure-client-credentials/graph/retry.js';
import { createGraphSender } from '../../source-azure-client-credentials/graph/sender.js';
import type { TokenSource } from '../../source-azure-client-credentials/graph/token.js';
import { certificateAuthorities, createTransport, DEFAULT_TIMEOUTS } from '../../source-azure-client-credentials/graph/transport.js';
import { startEmulator } from '../emulator/index.js';
import { fixture } from '../emulator/state.js';
import { fetchToken } from '../emulator/test-client.js';
import { captureLog, SMALL } from '../support/graph-helpers.js';

test("after send, got's response no longer holds the body the caller received", async () => {
  const emulator = await startEmulator({ sizes: SMALL });
  const { http, agent } = createTransport({
    ca: certificateAuthorities({ NODE_EXTRA_CA_CERTS: fixture('ca.pem') }),
    timeouts: DEFAULT_TIMEOUTS,
    userAgent: 'test',
  });
  try {
    const { tenantId, clientId, clientSecret } = emulator.credentials;
    const token = await fetchToken(emulator.url, tenantId, clientId, clientSecret);
    const tokens = { get: async () => token, renew: async () => token } as unknown as TokenSource;
    // got runs an extended instance's hooks after the ones it extends: this one sees the response before the sender's.
    const responses: Response[] = [];
    const keep = (response: Response) => {
      responses.push(response);
      return response;
    };
    const transport = http.extend({ hooks: { afterResponse: [keep] } });
    const stats = { requests: 0, retries: 0, throttled: 0, waitMs: 0 };
    const send = createGraphSender({
      transport,
      tokens,
      pacer: new Pacer({ timeScale: 1, identityRuPer10s: 3_000, reportsPer10s: 5, stats }),
      policy: DEFAULT_RETRY_POLICY,
      log: captureLog([]),
      stats,
      context: { clientId, cloud: 'public', authType: 'client_secret' },
      timeouts: DEFAULT_TIMEOUTS,
    });
    const semaphore = new Semaphore(1);
    const { body } = await semaphore.run(() =>
      send<{ value: { id: string }[] }>('GET', `${emulator.url}/v1.0/users?$select=id&$top=10`, { bucket: 'identity', cost: 1 }),
    );
    assert.equal(body.value.length, 10, 'the caller gets the parsed page');
    assert.equal(responses.length, 1);
    assert.equal(responses[0]!.statusCode, 200);
    assert.equal(responses[0]!.body, undefined, "got's response keeps no reference to the page");
  } finally {
    agent.destroy();
    await emulator.stop();
  }
});
