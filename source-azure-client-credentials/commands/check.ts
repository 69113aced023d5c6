// check: token, roles claim, then one cheap probe per stream endpoint; per-stream WARNs and one CONNECTION_STATUS an administrator can act on.
import type { Config } from '../config.js';
import {
  advisedGaps,
  type CheckResult,
  checkOutcome,
  failureProblem,
  permissionProblem,
  type StreamProblem,
  streamAccess,
} from '../diagnosis.js';
import { asConnectorError } from '../errors.js';
import type { GraphClient } from '../graph/types.js';
import { connectionStatus, logMessage, type MessageWriter } from '../protocol.js';
import { STREAMS } from '../streams/index.js';
import type { Probe, StreamDef } from '../streams/types.js';

const probeKey = (probe: Probe) =>
  `${probe.version ?? 'v1.0'}${probe.path}?${Object.entries(probe.query)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;

/**
 * Requests: one token, then each distinct probe once (streams that share an endpoint share its
 * probe), so check stays within a handful of calls however large the tenant is. Streams whose
 * required permission is absent from the roles claim are not probed: the claim already says they
 * will fail. A missing advised permission only warns: the probe decides. SUCCEEDED when at least
 * one stream can be read (see checkOutcome).
 */
export async function check(writer: MessageWriter, config: Config, graph: GraphClient): Promise<number> {
  let roles: string[];
  try {
    roles = await graph.grantedRoles();
  } catch (caught) {
    // Token errors (wrong or expired secret, unknown app or tenant, no route to the login host)
    // arrive already worded by the Graph client's error policy.
    const error = asConnectorError(caught);
    if (error.failureType === 'system_error') throw caught;
    await writer.emit(connectionStatus(false, error.message));
    return 0;
  }

  const probes = new Map<string, Promise<unknown>>();
  const probe = (p: Probe): Promise<unknown> => {
    const key = probeKey(p);
    let pending = probes.get(key);
    if (!pending) {
      // Resolves to the failure (or undefined), so that one shared rejection is never left unhandled.
      pending = graph.get(p.path, { query: p.query, bucket: p.bucket ?? 'identity', ...(p.version ? { version: p.version } : {}) }).then(
        () => undefined,
        (caught: unknown) => caught ?? new Error('probe failed'),
      );
      probes.set(key, pending);
    }
    return pending;
  };

  const judge = async (def: StreamDef): Promise<CheckResult> => {
    const access = streamAccess(def, config);
    const advice = advisedGaps(access, roles);
    const result = (problem?: StreamProblem): CheckResult => ({ stream: def.name, problem, advice });
    const claimed = permissionProblem(access.required, roles);
    if (claimed) return result(claimed);
    // Consent can lag behind the claim, and the licence or a cloud without the endpoint shows only in an answer: ask Graph itself.
    for (const p of [...def.probes, ...(def.optionProbes?.(config) ?? [])]) {
      const failure = await probe(p);
      if (failure === undefined) continue;
      const problem = failureProblem(failure, access, roles);
      if (!problem || (problem.kind === 'other' && problem.error.failureType === 'system_error')) throw failure;
      return result(problem);
    }
    return result();
  };

  const outcome = checkOutcome(await Promise.all(STREAMS.map(judge)));
  for (const warning of outcome.warnings) await writer.emit(logMessage('WARN', warning));
  await writer.emit(connectionStatus(outcome.succeeded, outcome.message));
  return 0;
}
