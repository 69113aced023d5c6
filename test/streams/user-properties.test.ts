// The user property list behind additional_user_properties is the v1.0 metadata's (graph-properties.txt), and names are checked, spelled and typed by it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConnectorError } from '../../source-azure-client-credentials/errors.js';
import {
  NOT_LISTABLE,
  PROPERTY_PERMISSIONS,
  parseUserProperties,
  USER_PROPERTY_TYPES,
  USER_RELATIONSHIPS,
  userPropertySchema,
} from '../../source-azure-client-credentials/user-properties.js';
import { createAjv } from '../../source-azure-client-credentials/validation.js';
import { sharedDir } from '../support/paths.js';

/** The user entity of graph-properties.txt: structural properties with their types ('!' = not nullable, dropped), and the (nav) ones. */
function userMetadata(): { properties: Map<string, string>; relationships: string[] } {
  const lines = readFileSync(join(sharedDir, 'reference', 'graph-properties.txt'), 'utf8').split('\n');
  const at = lines.findIndex((line) => line.startsWith('## <EntityType Name="user" BaseType="graph.directoryObject"'));
  assert.ok(at > 0, 'graph-properties.txt lists the user entity');
  // "All entities inherit id:String! ; directoryObject adds deletedDateTime" (the file's first line).
  const properties = new Map([
    ['id', 'String'],
    ['deletedDateTime', 'DateTimeOffset'],
  ]);
  const relationships: string[] = [];
  for (const entry of lines[at + 1]!.split(', ')) {
    const [name, type] = [entry.slice(0, entry.indexOf(':')), entry.slice(entry.indexOf(':') + 1)];
    if (type.endsWith('(nav)')) relationships.push(name);
    else properties.set(name, type.replace(/!$/, ''));
  }
  return { properties, relationships };
}

const refusal = (names: string[]): string => {
  try {
    parseUserProperties(names);
  } catch (error) {
    assert.ok(error instanceof ConnectorError && error.failureType === 'config_error', String(error));
    return error.message;
  }
  assert.fail(`${JSON.stringify(names)} was accepted`);
};

describe('user property list', () => {
  it('lists exactly the structural properties of the v1.0 user, with their metadata types, and its relationships', () => {
    const { properties, relationships } = userMetadata();
    assert.ok(properties.size > 70 && relationships.length > 40);
    assert.deepEqual(
      Object.entries(USER_PROPERTY_TYPES).sort(([a], [b]) => a.localeCompare(b)),
      [...properties].sort(([a], [b]) => a.localeCompare(b)),
    );
    assert.deepEqual([...USER_RELATIONSHIPS].sort(), [...relationships].sort());
    for (const name of [...NOT_LISTABLE, ...Object.keys(PROPERTY_PERMISSIONS)]) assert.ok(properties.has(name), name);
  });

  it('accepts v1.0 properties in any case (Graph spelling kept) and directory extensions, de-duplicated', () => {
    const extension = 'extension_b7d8e6f1a2c34d5e9f0a1b2c3d4e5f6a_costCenter';
    assert.deepEqual(
      parseUserProperties([
        'onpremisessamaccountname',
        ' employeeOrgData ',
        extension,
        'OnPremisesSamAccountName',
        extension.toUpperCase(),
      ]),
      [{ name: 'onPremisesSamAccountName', type: 'String' }, { name: 'employeeOrgData', type: 'employeeOrgData' }, { name: extension }],
    );
    assert.deepEqual(parseUserProperties([]), []);
    assert.deepEqual(parseUserProperties(['mail']), [{ name: 'mail', type: 'String' }], 'a name the stream already has is accepted');
  });

  it('refuses every other name with a config error that names it and says why', () => {
    for (const name of NOT_LISTABLE) assert.match(refusal(['city', name]), new RegExp(`"${name}" cannot be listed: .*501 Not Implemented`));
    assert.match(refusal(['manager']), /"manager" is a relationship .*managerId/);
    assert.match(refusal(['memberOf']), /"memberOf" is a relationship of the user, not a property/);
    assert.match(refusal(['signInActivity']), /"signInActivity" is read through the option include_sign_in_activity/);
    assert.match(refusal(['notAProperty']), /"notAProperty" is not a property of the Microsoft Graph v1\.0 user/);
    assert.match(
      refusal(['extension_b7d8e6f1-a2c3-4d5e-9f0a-1b2c3d4e5f6a_costCenter']),
      /is not a directory extension name: .*\(this one has hyphens\)/,
    );
    assert.match(refusal(['extension_1234_costCenter']), /"extension_1234_costCenter" is not a directory extension name/);
    assert.match(refusal(['extension_b7d8e6f1a2c34d5e9f0a1b2c3d4e5f6a_']), /is not a directory extension name/);
    assert.match(refusal(['  ']), /additional_user_properties: an entry is empty/);
    for (const message of [refusal(['x'.repeat(5000)]), refusal(['birthday'])]) assert.match(message, /^additional_user_properties: /);
    assert.ok(refusal(['x'.repeat(5000)]).length < 600, 'a huge name is shortened, never echoed whole');
  });

  it('gives each metadata type its column schema, and an extension a permissive nullable one', () => {
    const ajv = createAjv();
    const valid = (name: string, values: unknown[], invalid: unknown[] = []) => {
      const [property] = parseUserProperties([name]);
      const validate = ajv.compile(userPropertySchema(property!));
      for (const value of values) assert.ok(validate(value), `${name}: ${JSON.stringify(value)} ${JSON.stringify(validate.errors)}`);
      for (const value of invalid) assert.ok(!validate(value), `${name}: ${JSON.stringify(value)} should not validate`);
      return userPropertySchema(property!);
    };
    valid('onPremisesSamAccountName', ['ada', null], [5, true]);
    valid('onPremisesSyncEnabled', [true, null], ['true']);
    valid('deviceEnrollmentLimit', [15, null], [1.5, '15']);
    const date = valid('onPremisesLastSyncDateTime', ['2026-11-20T10:00:00Z', null], ['yesterday']);
    assert.equal(date.airbyte_type, 'timestamp_with_timezone');
    valid('imAddresses', [['sip:a@contoso.example'], [], null], [[5]]);
    valid('onPremisesExtensionAttributes', [{ extensionAttribute1: 'CC-1', extensionAttribute2: null }, null], ['x', []]);
    valid('assignedPlans', [[{ servicePlanId: 'x', capabilityStatus: 'Enabled' }], null], [['x']]);
    const extension = valid('extension_b7d8e6f1a2c34d5e9f0a1b2c3d4e5f6a_badge', ['x', 7, true, ['a', 'b'], [1, 2], null], [{ a: 1 }, 1.5]);
    assert.match(String(extension.description), /directory extension/);
  });
});
