// POST /v1.0/$batch: up to 20 GET items, each routed, charged and throttled on its own, answered in any order.
// https://learn.microsoft.com/graph/json-batching
import type { Caller } from './auth.js';
import { joinJson } from './paging.js';
import { graphError, type Reply, rawJsonReply } from './reply.js';
import { dispatchGet } from './routes.js';
import type { BatchItemHeaderNames, EmulatorState } from './state.js';

interface BatchItem {
  id: string;
  method: string;
  url: string;
  dependsOn?: string[];
  /** The item's own headers, by lower-case name (https://learn.microsoft.com/graph/json-batching#request-format). */
  headers: Record<string, string>;
}

const MAX_ITEMS = 20;
const bad = (message: string) => graphError(400, 'BadRequest', message);

function parseItems(body: string): BatchItem[] | Reply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return bad('Invalid batch payload format.');
  }
  const requests = (parsed as { requests?: unknown })?.requests;
  if (!Array.isArray(requests) || requests.length === 0) return bad('Invalid batch payload format: "requests" must be a non-empty array.');
  if (requests.length > MAX_ITEMS) return bad(`Invalid batch payload format: the number of requests exceeds the limit of ${MAX_ITEMS}.`);
  const items: BatchItem[] = [];
  for (const r of requests as Record<string, unknown>[]) {
    if (typeof r?.id !== 'string' || !r.id || typeof r.method !== 'string' || typeof r.url !== 'string') {
      return bad('Invalid batch payload format: every request needs a string id, method and url.');
    }
    const headers =
      r.headers && typeof r.headers === 'object'
        ? Object.fromEntries(Object.entries(r.headers).map(([name, value]) => [name.toLowerCase(), String(value)]))
        : {};
    items.push({
      id: r.id,
      method: r.method,
      url: r.url,
      dependsOn: Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : undefined,
      headers,
    });
  }
  if (new Set(items.map((i) => i.id)).size !== items.length) return bad('Invalid batch payload format: request ids must be unique.');
  return items;
}

/** "Retry-After" from "retry-after". */
const capitalised = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

/** The item's own headers as Graph returns them inside a batch answer: lower-case names, or capitalised (batchItemHeaderNames). */
function itemHeaders(reply: Reply, names: BatchItemHeaderNames): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.headers)) {
    if (k === 'request-id') continue;
    headers[names === 'capitalised' ? capitalised(k.toLowerCase()) : k.toLowerCase()] = v;
  }
  return headers;
}

export function handleBatch(state: EmulatorState, body: string, caller: Caller): Reply {
  const items = parseItems(body);
  if (!Array.isArray(items)) return items;
  const ids = new Set(items.map((i) => i.id));
  const done = new Map<string, Reply>();
  // dependsOn makes items sequential; a failed dependency fails its dependents with 424.
  const answer = (item: BatchItem, seen: Set<string>): Reply => {
    const finished = done.get(item.id);
    if (finished) return finished;
    let reply: Reply;
    const deps = item.dependsOn ?? [];
    if (deps.some((d) => !ids.has(d) || seen.has(d))) reply = bad(`Request ${item.id} depends on an unknown or circular request id.`);
    else if (deps.map((d) => answer(items.find((i) => i.id === d)!, new Set([...seen, item.id]))).some((r) => r.status >= 400)) {
      reply = graphError(424, 'FailedDependency', 'A request this one depends on failed.');
    } else if (item.method.toUpperCase() !== 'GET')
      reply = graphError(405, 'MethodNotAllowed', 'The emulator supports only GET inside $batch.');
    else if (/^[a-z]+:/i.test(item.url)) reply = bad('Batch request urls must be relative to the version root, e.g. /users?$top=999.');
    else reply = dispatchGet(state, item.url.startsWith('/') ? item.url : `/${item.url}`, caller, 'batch ', 'v1.0', item.headers);
    state.metrics.logRequest(item.method, item.url, 'batch', reply.status);
    done.set(item.id, reply);
    return reply;
  };
  for (const item of items) answer(item, new Set());
  // Graph answers in any order: shuffle so that clients must match responses by id.
  const order = items.map((i) => i.id);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(state.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const parts = order.map((id) => {
    const reply = done.get(id)!;
    return joinJson(
      `{"id":${JSON.stringify(id)},"status":${reply.status},"headers":${JSON.stringify(itemHeaders(reply, state.batchItemHeaderNames))},"body":`,
      [reply.body],
      '}',
    );
  });
  const records = Math.max(0, ...[...done.values()].map((r) => r.records ?? 0));
  return rawJsonReply(200, joinJson('{"responses":[', parts, ']}'), {}, records);
}
