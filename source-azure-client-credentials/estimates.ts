// ESTIMATE traces: how many rows a stream expects to emit in this sync, for the progress bar of Airbyte's UI.
import type { AirbyteMessage } from './protocol.js';

/**
 * {"type":"TRACE","trace":{"type":"ESTIMATE","emitted_at":<ms>,"estimate":{"name":<stream>,"type":"STREAM","row_estimate":<rows>}}}
 * (https://docs.airbyte.com/understanding-airbyte/airbyte-protocol#airbyteestimatetracemessage). A later estimate of the
 * same stream replaces an earlier one.
 */
export function estimateTrace(stream: string, rows: number, now: () => number = Date.now): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: { type: 'ESTIMATE', emitted_at: now(), estimate: { name: stream, type: 'STREAM', row_estimate: Math.max(0, Math.round(rows)) } },
  };
}
