// spec: prints the connection specification from schemas/spec.json.
import type { MessageWriter } from '../protocol.js';
import { loadSpec } from '../schemas.js';

export async function spec(writer: MessageWriter): Promise<number> {
  const { documentationUrl, connectionSpecification } = loadSpec();
  await writer.emit({ type: 'SPEC', spec: { documentationUrl, connectionSpecification } });
  return 0;
}
