// The test runner itself (test/support/connector.ts): a failing onMessage callback fails the run, and the machine's proxy variables never reach a run.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { type Emulator, startEmulator } from '../emulator/index.js';
import { type Message, runConnector } from '../support/connector.js';

/** A stand-in connector that prints one valid LOG message every 10 ms until it is killed. */
const CHATTY: [string, ...string[]] = [
  process.execPath,
  '-e',
  `let n = 0; setInterval(() => console.log(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'line ' + n++ } })), 10);`,
];

/** A stand-in connector that prints, as one LOG message, the proxy variables it was started with. */
const PRINTS_PROXY_ENV: [string, ...string[]] = [
  process.execPath,
  '-e',
  `const seen = Object.fromEntries(Object.entries(process.env).filter(([k]) => /_proxy$/i.test(k)));
   console.log(JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: JSON.stringify(seen) } }));`,
];

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];
/** A proxy nothing listens on: a run that used it could not reach anything. */
const DEAD_PROXY = 'http://127.0.0.1:9';

describe('runConnector', () => {
  test('an exception thrown in onMessage kills the child and rejects the run with that exception', async () => {
    const failure = new Error('an assertion in onMessage failed');
    let child: ChildProcess | undefined;
    let seen = 0;
    const run = runConnector([], {
      command: CHATTY,
      timeoutMs: 30_000,
      onMessage: (_message: Message, running) => {
        child = running;
        if (++seen === 3) throw failure;
      },
    });
    await assert.rejects(run, (error) => error === failure);
    assert.equal(seen, 3, 'no message is handed to the callback after it threw');
    assert.equal(child?.signalCode, 'SIGKILL', 'the child was killed, not left to run until the timeout');
  });

  describe("the machine's proxy variables", () => {
    const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));
    before(() => {
      for (const name of PROXY_VARIABLES) process.env[name] = name.toLowerCase().startsWith('no_') ? '' : DEAD_PROXY;
    });
    after(() => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    test('are not inherited by a run; the ones a test passes are', async () => {
      const inherited = await runConnector([], { command: PRINTS_PROXY_ENV });
      assert.deepEqual(JSON.parse(inherited.logs('INFO')[0]!), {});
      const own = await runConnector([], {
        command: PRINTS_PROXY_ENV,
        env: { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: 'localhost' },
      });
      assert.deepEqual(JSON.parse(own.logs('INFO')[0]!), { HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: 'localhost' });
    });

    describe('against the emulator', () => {
      let emulator: Emulator;
      before(async () => {
        emulator = await startEmulator({
          seed: 3,
          sizes: { users: 5, servicePrincipals: 3, groups: 1, bigGroupSizes: [], assignments: 3, signIns: 5 },
        });
      });
      after(async () => emulator?.stop());

      test('a check goes straight to the emulator even though the machine names a dead proxy', async () => {
        const result = await runConnector(['check'], { config: emulator.config(), env: emulator.env, timeoutMs: 60_000 });
        assert.equal(result.connectionStatus()?.status, 'SUCCEEDED', result.connectionStatus()?.message);
        assert.ok(!result.logs().some((line) => /through the proxy/.test(line)), result.logs().join('\n'));
      });
    });
  });
});
