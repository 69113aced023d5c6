// check: can this config read every stream? One CONNECTION_STATUS with an actionable message.
import type { Config } from '../config.js';
import { permissionMessage } from '../diagnosis.js';
import { asConnectorError } from '../errors.js';
import type { GraphClient } from '../graph/types.js';
import { missingPermissions } from '../permissions.js';
import { connectionStatus, type MessageWriter } from '../protocol.js';
import { STREAMS } from '../streams/index.js';

export async function check(writer: MessageWriter, _config: Config, graph: GraphClient): Promise<number> {
  const problems: string[] = [];
  try {
    const roles = await graph.grantedRoles();
    for (const def of STREAMS) {
      const missing = missingPermissions(def.permissions, roles);
      if (missing.length > 0) {
        problems.push(permissionMessage(def.name, missing));
        continue;
      }
      await graph.get(def.probe.path, { query: def.probe.query, bucket: def.probe.bucket ?? 'identity' });
    }
  } catch (caught) {
    const error = asConnectorError(caught);
    if (error.failureType === 'system_error') throw caught;
    problems.push(error.message);
  }
  await writer.emit(connectionStatus(problems.length === 0, problems.length ? problems.join(' ') : undefined));
  return 0;
}
