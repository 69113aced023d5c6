// The read command's bookkeeping with stand-in streams: statuses, exact state counts, failures isolated per stream.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { read } from '../../source-azure-client-credentials/commands/read.js';
import type { Config } from '../../source-azure-client-credentials/config.js';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import type { GraphClient } from '../../source-azure-client-credentials/graph/types.js';
import { createLogger } from '../../source-azure-client-credentials/logger.js';
import { MessageWriter } from '../../source-azure-client-credentials/protocol.js';
import type { StreamDef, StreamOutput } from '../../source-azure-client-credentials/streams/types.js';
import { parseMessages } from '../support/connector.js';

function fakeGraph(roles: string[]): GraphClient {
  return {
    get: async () => {
      throw new Error('not used');
    },
    pages: () => {
      throw new Error('not used');
    },
    list: () => {
      throw new Error('not used');
    },
    batchPages: () => {
      throw new Error('not used');
    },
    batchGet: () => {
      throw new Error('not used');
    },
    count: async () => undefined,
    grantedRoles: async () => roles,
    stats: () => ({ requests: 0, retries: 0, throttled: 0, waitMs: 0 }),
    close: () => {},
  };
}

function stream(name: string, outputs: (StreamOutput<object> | Error)[], permissions = [['User.Read.All']]): StreamDef {
  return {
    name,
    schemaName: name,
    primaryKey: [['id']],
    supportedSyncModes: ['full_refresh', 'incremental'],
    cursorField: ['createdDateTime'],
    permissions,
    probes: [{ path: '/x', query: {} }],
    async *read() {
      for (const output of outputs) {
        if (output instanceof Error) throw output;
        yield output;
      }
    },
  };
}

async function runRead(
  defs: { def: StreamDef; syncMode: 'full_refresh' | 'incremental' }[],
  roles = ['User.Read.All'],
  states = new Map<string, unknown>(),
) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk) => (text += chunk));
  const writer = new MessageWriter(out);
  const code = await read(writer, createLogger(writer, false), { config: {} as Config, streams: defs, states }, fakeGraph(roles));
  await writer.flush();
  return { code, messages: parseMessages(text) };
}

const rec = (id: string): StreamOutput<object> => ({ kind: 'record', data: { id } });
const cp = (cursor: string): StreamOutput<object> => ({ kind: 'checkpoint', state: { createdDateTime: cursor } });

test('statuses and exact recordCount per checkpoint; a final STATE for trailing records', async () => {
  const { code, messages } = await runRead([
    { def: stream('a', [rec('1'), rec('2'), cp('t1'), rec('3'), cp('t2'), rec('4')]), syncMode: 'incremental' },
  ]);
  assert.equal(code, 0);
  const summary = messages.map((m) =>
    m.type === 'RECORD'
      ? `R${m.record.data.id}`
      : m.type === 'STATE'
        ? `S${m.state.sourceStats.recordCount}`
        : m.type === 'TRACE'
          ? m.trace.stream_status?.status
          : m.type,
  );
  assert.deepEqual(
    summary.filter((s) => s !== 'LOG'),
    ['STARTED', 'RUNNING', 'R1', 'R2', 'S2', 'R3', 'S1', 'R4', 'S1', 'COMPLETE'],
  );
  const states = messages.filter((m) => m.type === 'STATE');
  assert.deepEqual(
    states.map((m) => m.state.stream.stream_state),
    [{ createdDateTime: 't1' }, { createdDateTime: 't2' }, { createdDateTime: 't2' }],
  );
});

test('a stream with no output still ends with one STATE (its incoming state) and COMPLETE', async () => {
  const states = new Map<string, unknown>([['a', { createdDateTime: '2121-01-01T00:00:00Z' }]]);
  const { code, messages } = await runRead([{ def: stream('a', []), syncMode: 'incremental' }], ['User.Read.All'], states);
  assert.equal(code, 0);
  const statuses = messages.filter((m) => m.type === 'TRACE').map((m) => m.trace.stream_status?.status);
  assert.deepEqual(statuses, ['STARTED', 'RUNNING', 'COMPLETE']);
  const state = messages.filter((m) => m.type === 'STATE');
  assert.equal(state.length, 1);
  assert.deepEqual(state[0]!.state.stream.stream_state, { createdDateTime: '2121-01-01T00:00:00Z' });
  assert.equal(state[0]!.state.sourceStats.recordCount, 0);
});

test('a failing stream reports INCOMPLETE with an ERROR trace naming it; the next stream still runs; exit is non-zero', async () => {
  const { code, messages } = await runRead([
    { def: stream('a', [rec('1'), new ConnectorError('Graph is unreachable: retry later.', 'transient_error')]), syncMode: 'full_refresh' },
    { def: stream('b', [rec('2')]), syncMode: 'full_refresh' },
  ]);
  assert.equal(code, 1);
  const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
  assert.equal(error.failure_type, 'transient_error');
  assert.deepEqual(error.stream_descriptor, { name: 'a' });
  const statuses = messages
    .filter((m) => m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS')
    .map((m) => `${m.trace.stream_status.stream_descriptor.name}:${m.trace.stream_status.status}`);
  assert.deepEqual(statuses, ['a:STARTED', 'a:RUNNING', 'a:INCOMPLETE', 'b:STARTED', 'b:RUNNING', 'b:COMPLETE']);
  assert.equal(
    messages.filter((m) => m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'a').length,
    0,
    'a failed stream must not checkpoint past unread data',
  );
});

test('an unexpected exception is a system_error with a stack trace', async () => {
  const { code, messages } = await runRead([{ def: stream('a', [new TypeError('boom')]), syncMode: 'full_refresh' }]);
  assert.equal(code, 1);
  const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
  assert.equal(error.failure_type, 'system_error');
  assert.match(error.internal_message, /TypeError: boom/);
  assert.ok(error.stack_trace);
  assert.doesNotMatch(error.message, /boom/, 'the user message is written for people, not the raw exception');
});

test('a stream whose application permission is missing fails fast with a config_error; others continue', async () => {
  const { code, messages } = await runRead(
    [
      { def: stream('needs_audit', [rec('1')], [['AuditLog.Read.All']]), syncMode: 'full_refresh' },
      { def: stream('b', [rec('2')]), syncMode: 'full_refresh' },
    ],
    ['User.Read.All'],
  );
  assert.equal(code, 1);
  const error = messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')!.trace.error;
  assert.equal(error.failure_type, 'config_error');
  assert.match(error.message, /AuditLog\.Read\.All/);
  assert.match(error.message, /Grant admin consent/);
  assert.equal(messages.filter((m) => m.type === 'RECORD' && m.record.stream === 'needs_audit').length, 0);
  assert.equal(messages.filter((m) => m.type === 'RECORD' && m.record.stream === 'b').length, 1);
});
