// What read settles before the first STARTED: combinations a stream refuses (reported, never started, no request) and each state parsed once.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type ConfiguredStream, parseConfiguredCatalog } from '../../source-azure-client-credentials/catalog.js';
import { read } from '../../source-azure-client-credentials/commands/read.js';
import { type Config, validateConfig } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import type { GraphClient } from '../../source-azure-client-credentials/graph/types.js';
import { createLogger } from '../../source-azure-client-credentials/logger.js';
import { MessageWriter } from '../../source-azure-client-credentials/protocol.js';
import { streamStates } from '../../source-azure-client-credentials/state.js';
import { STREAMS } from '../../source-azure-client-credentials/streams/index.js';
import type { ReadContext, StreamDef } from '../../source-azure-client-credentials/streams/types.js';
import { parseMessages, runConnector } from '../support/connector.js';
import { catalogOf, validConfig } from '../support/fixtures.js';
import { type ConnectionCounter, countConnections } from '../support/listener.js';

/** The refusal, word for word as users printed it from inside its read before. */
const USERS_REFUSAL =
  "users cannot sync incrementally with include_sign_in_activity on: Microsoft Graph's delta query does not track sign-in activity, so it would go stale in the destination. Either set the users stream to full refresh, or turn include_sign_in_activity off.";

// validateConfig gives the options; these tests need no endpoints or credential.
const optionsOf = (overrides: Record<string, unknown> = {}) => validateConfig(validConfig(overrides)) as Config;

/** A Graph client for stand-in streams: it only answers the roles claim, and counts how often it was asked. */
function rolesOnlyGraph(): GraphClient & { asked: number } {
  const unused = () => {
    throw new Error('not used');
  };
  const graph = {
    asked: 0,
    get: unused,
    pages: unused,
    list: unused,
    batchPages: unused,
    batchGet: unused,
    count: async () => undefined,
    grantedRoles: async () => {
      graph.asked++;
      return ['User.Read.All'];
    },
    stats: () => ({ requests: 0, retries: 0, throttled: 0, waitMs: 0 }),
    close: () => {},
  };
  return graph;
}

async function readAll(streams: ConfiguredStream[], states: ReadonlyMap<string, object>, graph: GraphClient) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  const writer = new MessageWriter(out);
  const code = await read(writer, createLogger(writer, false), { config: optionsOf(), streams, states }, graph);
  await writer.flush();
  return { code, messages: parseMessages(text) };
}

describe('stream and sync-mode combinations refused when the catalog is read', () => {
  const users = (sync_mode: string) => catalogOf([{ name: 'users', sync_mode }]);

  test('users declares incremental with include_sign_in_activity refused, with its message; every other combination is not', () => {
    const [refused] = parseConfiguredCatalog(users('incremental'), STREAMS, optionsOf({ include_sign_in_activity: true }));
    assert.equal(refused!.refusal, USERS_REFUSAL);
    for (const [syncMode, activity] of [
      ['full_refresh', true],
      ['incremental', false],
      ['full_refresh', false],
    ] as const) {
      const [stream] = parseConfiguredCatalog(users(syncMode), STREAMS, optionsOf({ include_sign_in_activity: activity }));
      assert.equal(stream!.refusal, undefined, `${syncMode} with include_sign_in_activity ${activity}`);
    }
  });

  test('a refused stream is reported before any stream starts, never started and never read; the others run', async () => {
    let refusedRead = false;
    const def = (name: string, onRead: () => void = () => {}): StreamDef => ({
      name,
      schemaName: name,
      primaryKey: [['id']],
      supportedSyncModes: ['full_refresh'],
      permissions: [['User.Read.All']],
      probes: [],
      async *read() {
        onRead();
        yield { kind: 'record', data: { id: `${name}-1` } };
      },
    });
    const graph = rolesOnlyGraph();
    const { code, messages } = await readAll(
      [
        { def: def('first'), syncMode: 'full_refresh' },
        { def: def('refused', () => (refusedRead = true)), syncMode: 'full_refresh', refusal: 'refused cannot run like this: change it.' },
        { def: def('last'), syncMode: 'full_refresh' },
      ],
      new Map(),
      graph,
    );
    assert.equal(code, 1, 'a refused stream fails the sync');
    const summary = messages
      .filter((m) => m.type === 'TRACE' || m.type === 'RECORD')
      .map((m) =>
        m.type === 'RECORD'
          ? `${m.record.stream}:record`
          : m.trace.type === 'ERROR'
            ? `${m.trace.error.stream_descriptor.name}:ERROR ${m.trace.error.failure_type} ${m.trace.error.message}`
            : `${m.trace.stream_status.stream_descriptor.name}:${m.trace.stream_status.status}`,
      );
    assert.deepEqual(summary, [
      'refused:ERROR config_error refused cannot run like this: change it.',
      'first:STARTED',
      'first:RUNNING',
      'first:record',
      'first:COMPLETE',
      'last:STARTED',
      'last:RUNNING',
      'last:record',
      'last:COMPLETE',
    ]);
    assert.equal(refusedRead, false);
    assert.equal(graph.asked, 2, 'the refused stream asked Graph nothing, not even the roles claim');
  });

  describe('end to end', () => {
    let net: ConnectionCounter;
    before(async () => {
      net = await countConnections();
    });
    after(() => net.close());

    test('read of users incremental with include_sign_in_activity: one config_error naming users, no STARTED, no request', async () => {
      const result = await runConnector(['read'], {
        env: { AZURE_AUTHORITY_HOST: net.url, AZURE_GRAPH_ENDPOINT: net.url },
        config: validConfig({ include_sign_in_activity: true }),
        catalog: users('incremental'),
      });
      assert.equal(result.code, 1);
      assert.deepEqual(
        result.errors().map((e) => [e.failure_type, e.stream_descriptor?.name, e.message]),
        [['config_error', 'users', USERS_REFUSAL]],
      );
      assert.deepEqual(result.statuses(), [], 'a refused stream never starts');
      assert.deepEqual([result.records().length, result.states().length], [0, 0]);
      assert.equal(net.connections(), 0, 'a refused stream makes no request');
    });
  });
});

describe('incoming state parsed once', () => {
  /** An incremental stand-in whose parseState counts its calls and whose read keeps the state it was given. */
  function counted(name: string) {
    const seen: { calls: number; returned: object[]; read: (object | undefined)[] } = { calls: 0, returned: [], read: [] };
    const def: StreamDef<object, { cursor: string }> = {
      name,
      schemaName: name,
      primaryKey: [['id']],
      supportedSyncModes: ['full_refresh', 'incremental'],
      cursorField: ['cursor'],
      permissions: [['User.Read.All']],
      probes: [],
      parseState(raw) {
        seen.calls++;
        const cursor = (raw as { cursor?: unknown }).cursor;
        if (typeof cursor !== 'string') throw new ConnectorError(`The saved state of ${name} has no cursor.`, 'config_error');
        const parsed = { cursor: cursor.toUpperCase() };
        seen.returned.push(parsed);
        return parsed;
      },
      async *read(context: ReadContext<{ cursor: string }>) {
        seen.read.push(context.state);
        yield { kind: 'record', data: { id: `${name}-1` } };
      },
    };
    return { def: def as StreamDef, seen };
  }

  test("streamStates parses each incremental stream's state once; read hands the stream exactly that object and never parses again", async () => {
    const a = counted('a');
    const b = counted('b');
    const streams: ConfiguredStream[] = [
      { def: a.def, syncMode: 'incremental' },
      { def: b.def, syncMode: 'full_refresh' },
    ];
    const states = streamStates(
      streams,
      new Map([
        ['a', { cursor: 'x1' }],
        ['b', { cursor: 'y1' }],
      ]),
      optionsOf(),
    );
    assert.deepEqual([a.seen.calls, b.seen.calls], [1, 0], 'a full refresh reads without a state');
    const { code, messages } = await readAll(streams, states, rolesOnlyGraph());
    assert.equal(code, 0);
    assert.deepEqual([a.seen.calls, b.seen.calls], [1, 0], 'read parsed a state again');
    assert.equal(a.seen.read[0], a.seen.returned[0], 'the stream did not get the object its parseState returned');
    assert.deepEqual(b.seen.read, [undefined]);
    const finalStates = messages
      .filter((m) => m.type === 'STATE')
      .map((m) => [m.state.stream.stream_descriptor.name, m.state.stream.stream_state]);
    assert.deepEqual(finalStates, [
      ['a', { cursor: 'X1' }],
      ['b', {}],
    ]);
  });

  test('a state its stream cannot use fails in streamStates, before read could make a request', () => {
    const a = counted('a');
    assert.throws(
      () => streamStates([{ def: a.def, syncMode: 'incremental' }], new Map([['a', { other: 1 }]]), optionsOf()),
      (error: unknown) => error instanceof ConnectorError && error.failureType === 'config_error' && /has no cursor/.test(error.message),
    );
  });
});
