// Unit tests: app_role_assignments rows written from pre-serialised parts are byte for byte JSON.stringify of the record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppCatalog } from '../../source-azure-client-credentials/streams/app-role-assignments/app-catalog.js';
import {
  assignmentPart,
  personPart,
  rowHead,
  rowJson,
  rowTail,
  toAssignmentRow,
  viaPart,
} from '../../source-azure-client-credentials/streams/app-role-assignments/app-role-assignments.js';
import type { Assignment } from '../../source-azure-client-credentials/streams/app-role-assignments/assignment-buffer.js';

const ROLE = '11111111-1111-4111-8111-111111111111';
const DEFAULT_ACCESS = '00000000-0000-0000-0000-000000000000';

// Graph's JSON may leave properties out: some are absent here on purpose.
const assignments = [
  {
    id: 'a-1',
    appRoleId: ROLE,
    createdDateTime: '2024-01-02T03:04:05Z',
    principalId: 'g-1',
    principalType: 'Group',
    principalDisplayName: 'Grüße "Sales" \\ ✓',
    resourceId: 'sp-1',
    resourceDisplayName: 'App\nOne',
  },
  { id: 'a-2', appRoleId: DEFAULT_ACCESS, principalId: 'u-1', principalType: 'User', resourceId: 'sp-1' },
  {
    id: 'a-3',
    appRoleId: 'unknown-role',
    createdDateTime: null,
    principalId: 'u-2',
    principalType: 'User',
    principalDisplayName: null,
    resourceId: 'sp-gone',
  },
  { id: 'a-4', appRoleId: null, principalId: null, principalType: null, resourceId: null, resourceDisplayName: null },
] as Assignment[];
const apps = new Map([
  ['sp-1', { appId: 'app-1', appRoles: [{ id: ROLE, value: 'Sales.Read', displayName: 'Sales "reader"' }] }],
  ['sp-2', { appId: null, appRoles: [] }],
]);
const catalog = new AppCatalog();
for (const [id, app] of apps) catalog.add({ id, ...app });
const persons = [
  {
    id: 'u-1',
    mail: 'u1@contoso.example',
    givenName: 'Åsa',
    surname: null,
    userPrincipalName: 'u1@contoso.example',
    employeeHireDate: '2020-05-06T00:00:00Z',
    createdDateTime: '2019-01-01T00:00:00Z',
  },
  { id: 'u-2', '@odata.type': '#microsoft.graph.user', createdDateTime: '2021-03-04T05:06:07Z' },
  { id: 'u-3' },
];
const vias = [null, { id: 'g-1', displayName: 'Grüße "Sales"' }, { id: 'g-2', displayName: null }];

test('a row from its parts is JSON.stringify(toAssignmentRow(...)) byte for byte, keys in the same order', () => {
  let compared = 0;
  for (const assignment of assignments) {
    // The catalog that holds the resource, and one that does not (a service principal deleted since it was listed).
    for (const [app, held] of [
      [apps.get(assignment.resourceId ?? ''), catalog],
      [undefined, new AppCatalog()],
    ] as const) {
      for (const person of persons) {
        for (const via of vias) {
          const expected = JSON.stringify(toAssignmentRow(assignment, app, person, via));
          const actual = rowJson(rowHead(assignmentPart(assignment, held)), personPart(person), rowTail(viaPart(via)));
          assert.equal(actual, expected);
          compared++;
        }
      }
    }
  }
  assert.equal(compared, 4 * 2 * 3 * 3);
});
