// Unit tests: the packed service-principal catalog of app_role_assignments gives what resolveAppRole gives, byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCatalog } from '../../source-azure-client-credentials/streams/app-role-assignments/app-catalog.js';
import { resolveAppRole } from '../../source-azure-client-credentials/streams/derive.js';

const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';
const R1 = '11111111-1111-4111-8111-111111111111';
const R2 = '22222222-2222-4222-8222-222222222222';

// Values that JSON must escape, separators' own characters among them, null and absent values, a role without id,
// a duplicate id (the first wins, as in resolveAppRole), and a role that reuses the Default Access id.
const sps = [
  {
    id: 'sp-1',
    appId: 'app-1',
    appRoles: [
      { id: R1, value: 'Sales.Read', displayName: 'Sales "reader" \\ ✓' },
      { id: R2, value: null, displayName: 'ctl \u0001\u0002\u0000 end' },
      { id: R1, value: 'Second', displayName: 'Never used' },
      { id: null, value: 'NoId', displayName: 'No id' },
      { id: DEFAULT_ACCESS, value: 'Own', displayName: 'Own default' },
    ],
  },
  { id: 'sp-2', appId: null, appRoles: null },
  { id: 'sp-3', appRoles: [{ id: R2, displayName: 'Only a name' }] },
  { id: 'sp-4', appId: 'app-\u0001-4', appRoles: [] },
];
const roleIds = [R1, R2, DEFAULT_ACCESS, 'unknown', null, undefined, '"', '\u0001'];

const expected = (sp: (typeof sps)[number] | undefined, appRoleId: string | null | undefined) =>
  JSON.stringify({ appId: sp?.appId ?? null, ...resolveAppRole(sp?.appRoles, appRoleId) }).slice(1, -1);

test('fields() is the JSON of appId and resolveAppRole for every service principal and role id, found or not', () => {
  const catalog = new AppCatalog();
  for (const sp of sps) catalog.add(sp);
  let compared = 0;
  for (const resourceId of [...sps.map((sp) => sp.id), 'sp-gone', null, undefined]) {
    const sp = sps.find((candidate) => candidate.id === resourceId);
    for (const appRoleId of roleIds) {
      assert.equal(catalog.fields(resourceId, appRoleId), expected(sp, appRoleId), `${resourceId} ${appRoleId}`);
      compared++;
    }
  }
  assert.equal(compared, 7 * roleIds.length);
  assert.equal(catalog.fields('sp-1', R1), '"appId":"app-1","appRoleValue":"Sales.Read","appRoleDisplayName":"Sales \\"reader\\" \\\\ ✓"');
});

test('info() gives back appId and the roles that have an id, in order', () => {
  const catalog = new AppCatalog();
  for (const sp of sps) catalog.add(sp);
  assert.deepEqual(catalog.info('sp-1'), {
    appId: 'app-1',
    appRoles: sps[0]!.appRoles!.filter((role) => role.id !== null),
  });
  assert.deepEqual(catalog.info('sp-3'), { appId: null, appRoles: [{ id: R2, value: null, displayName: 'Only a name' }] });
  assert.deepEqual(catalog.info('sp-4'), { appId: 'app-\u0001-4', appRoles: [] });
  assert.equal(catalog.info('sp-gone'), undefined);
  assert.equal(catalog.info(null), undefined);
});

test('ids() lists every service principal in order; dropUnused() keeps only those marked by use()', () => {
  const catalog = new AppCatalog();
  for (const sp of sps) catalog.add(sp);
  assert.deepEqual([...catalog.ids()], ['sp-1', 'sp-2', 'sp-3', 'sp-4']);
  catalog.use('sp-3');
  catalog.use('sp-3');
  catalog.use('sp-gone');
  catalog.use(null);
  catalog.dropUnused();
  assert.deepEqual([...catalog.ids()], ['sp-3']);
  assert.equal(catalog.size, 1);
  assert.equal(catalog.fields('sp-3', R2), expected(sps[2], R2));
  // A dropped service principal reads as an unknown one.
  assert.equal(catalog.fields('sp-1', R1), expected(undefined, R1));
});

test('release() drops a service principal unless use() marked it, also while ids() is being read', () => {
  const catalog = new AppCatalog();
  for (const sp of sps) catalog.add(sp);
  catalog.use('sp-3');
  const seen: string[] = [];
  // As the first pass does: each id is released once its assignments are read, while the live ids() goes on.
  for (const id of catalog.ids()) {
    seen.push(id);
    catalog.release(id);
  }
  assert.deepEqual(seen, ['sp-1', 'sp-2', 'sp-3', 'sp-4']);
  assert.deepEqual([...catalog.ids()], ['sp-3']);
  assert.equal(catalog.fields('sp-3', R2), expected(sps[2], R2));
  assert.equal(catalog.fields('sp-1', R1), expected(undefined, R1));
});
