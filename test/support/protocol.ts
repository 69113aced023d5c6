// Validates messages against the official Airbyte protocol schema in ../shared/airbyte-protocol/.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { protocolYaml } from './paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let validateMessage: ValidateFunction | undefined;

function compile(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // The protocol's one non-standard keyword.
  ajv.addKeyword('existingJavaType');
  const doc = parse(readFileSync(protocolYaml, 'utf8')) as Record<string, unknown>;
  delete doc.$id;
  ajv.addSchema(doc, 'airbyte_protocol');
  return ajv.getSchema('airbyte_protocol#/definitions/AirbyteMessage')!;
}

/** Throws with the schema errors if the message is not a valid AirbyteMessage. */
export function assertProtocolMessage(message: unknown, line?: string): void {
  validateMessage ??= compile();
  if (!validateMessage(message)) {
    throw new Error(
      `Not a valid AirbyteMessage: ${JSON.stringify(validateMessage.errors)}\nline: ${(line ?? JSON.stringify(message)).slice(0, 500)}`,
    );
  }
}
