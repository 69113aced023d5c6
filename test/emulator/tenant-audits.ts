// Synthetic directory audit events (role grants, consents, credentials, user and group changes), newest first, inside and beyond retention.
import { SP_FIRST_PARTY } from './tenant-apps.js';
import { DAY_MS, isoTicks, type Random } from './tenant-random.js';
import { instantStrings, instants } from './tenant-signins.js';
import type { DirectoryContext } from './tenant-users.js';
import type { GraphObject } from './types.js';

export interface AuditPlan {
  count: number;
  beyondRetention: number;
  /** Days a P1/P2 tenant keeps audit logs (30). */
  retentionDays: number;
}

/** Built-in directory roles: display name, template id, well-known object name. */
const ROLES = [
  ['Global Administrator', '62e90394-69f5-4237-9190-012177145e10', 'TenantAdmins'],
  ['User Administrator', 'fe930be7-5e62-47db-91af-98c3a49a38b1', 'UserAccountAdmins'],
  ['Application Administrator', '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'ApplicationAdministrators'],
  ['Security Reader', '5d6b6bb7-de71-4623-b4af-96380a352509', 'SecurityReaders'],
] as const;

const quotedJson = (value: unknown) => JSON.stringify(value);
const ADMIN_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

type Kind =
  | 'roleGrant'
  | 'roleRemoval'
  | 'pimActivation'
  | 'consent'
  | 'secret'
  | 'addUser'
  | 'updateUser'
  | 'deleteUser'
  | 'groupMember'
  | 'ssgm';
/** How often each kind happens (weights). */
const KINDS: ReadonlyArray<readonly [Kind, number]> = [
  ['roleGrant', 6],
  ['roleRemoval', 3],
  ['pimActivation', 3],
  ['consent', 6],
  ['secret', 5],
  ['addUser', 10],
  ['updateUser', 30],
  ['deleteUser', 4],
  ['groupMember', 25],
  ['ssgm', 8],
];
const TOTAL_WEIGHT = KINDS.reduce((sum, [, w]) => sum + w, 0);

/**
 * `plan.count` audit events spread over the retention window (with ties and a few whole seconds), then
 * `plan.beyondRetention` older ones that Graph no longer serves. Ids take the shapes real ones have (Directory_<guid>_...,
 * SSGM_<guid>_..., PIM_<guid>_...), not only GUIDs; initiatedBy is a user or an app, the other null.
 */
export function generateDirectoryAudits(
  rng: Random,
  ctx: DirectoryContext,
  users: GraphObject[],
  groups: GraphObject[],
  sps: GraphObject[],
  kinds: Uint8Array,
  plan: AuditPlan,
): GraphObject[] {
  if (users.length === 0 || sps.length === 0 || plan.count + plan.beyondRetention === 0) return [];
  const apps = sps.filter((_, i) => kinds[i] !== SP_FIRST_PARTY);
  const firstParty = sps.filter((_, i) => kinds[i] === SP_FIRST_PARTY);
  const admins = users.slice(0, Math.max(1, Math.min(5, users.length)));
  const digits = (n: number) => Array.from({ length: n }, () => rng.int(10)).join('');
  const suffix = () => rng.upperHex(5);
  const pickKind = (): Kind => {
    let roll = rng.int(TOTAL_WEIGHT);
    for (const [kind, weight] of KINDS) {
      if (roll < weight) return kind;
      roll -= weight;
    }
    return 'updateUser';
  };
  const userTarget = (u: GraphObject, modifiedProperties: unknown[] = []) => ({
    id: u.id,
    displayName: null,
    type: 'User',
    userPrincipalName: u.userPrincipalName,
    groupType: null,
    modifiedProperties,
  });
  const byUser = (u: GraphObject) => ({
    user: {
      id: u.id,
      displayName: null,
      userPrincipalName: u.userPrincipalName,
      ipAddress: `203.0.113.${1 + rng.int(254)}`,
      userType: null,
      homeTenantId: null,
      homeTenantName: null,
    },
    app: null,
  });
  const byApp = (app: GraphObject) => ({
    user: null,
    app: { appId: app.appId, displayName: app.displayName, servicePrincipalId: app.id, servicePrincipalName: app.displayName },
  });

  const build = (activityDateTime: string): GraphObject => {
    const kind = pickKind();
    const admin = rng.pick(admins);
    const user = rng.pick(users);
    const app = rng.pick(apps.length ? apps : sps);
    const failed = rng.chance(0.04);
    const base = {
      id: `Directory_${rng.guid()}_${suffix()}_${digits(8)}`,
      category: 'UserManagement',
      correlationId: rng.guid(),
      result: failed ? 'failure' : 'success',
      resultReason: failed ? 'Microsoft.Online.Workflows.ObjectAlreadyExistsException' : '',
      activityDisplayName: 'Update user',
      activityDateTime,
      loggedByService: 'Core Directory',
      operationType: 'Update',
      initiatedBy: byUser(admin) as unknown,
      targetResources: [] as unknown[],
      additionalDetails: [{ key: 'User-Agent', value: ADMIN_AGENT }] as unknown[],
    };
    switch (kind) {
      case 'roleGrant':
      case 'roleRemoval':
      case 'pimActivation': {
        const [name, template, wellKnown] = rng.pick(ROLES);
        const roleId = rng.guid();
        const added = kind !== 'roleRemoval';
        const roleProperties = [
          { displayName: 'Role.ObjectID', oldValue: added ? null : quotedJson(roleId), newValue: added ? quotedJson(roleId) : null },
          { displayName: 'Role.DisplayName', oldValue: added ? null : quotedJson(name), newValue: added ? quotedJson(name) : null },
          { displayName: 'Role.TemplateId', oldValue: added ? null : quotedJson(template), newValue: added ? quotedJson(template) : null },
          {
            displayName: 'Role.WellKnownObjectName',
            oldValue: added ? null : quotedJson(wellKnown),
            newValue: added ? quotedJson(wellKnown) : null,
          },
        ];
        const role = { id: roleId, displayName: name, type: 'Role', userPrincipalName: null, groupType: null, modifiedProperties: [] };
        if (kind === 'pimActivation') {
          return {
            ...base,
            id: `PIM_${rng.guid()}_${suffix()}_${digits(7)}`,
            category: 'RoleManagement',
            activityDisplayName: 'Add member to role completed (PIM activation)',
            loggedByService: 'PIM',
            operationType: 'Add',
            initiatedBy: byUser(user),
            targetResources: [role, userTarget(user)],
            additionalDetails: [{ key: 'Justification', value: 'Scheduled maintenance' }],
          };
        }
        return {
          ...base,
          category: 'RoleManagement',
          activityDisplayName: added ? 'Add member to role' : 'Remove member from role',
          operationType: added ? 'Assign' : 'Unassign',
          targetResources: [userTarget(user, roleProperties), role],
        };
      }
      case 'consent':
        return {
          ...base,
          category: 'ApplicationManagement',
          activityDisplayName: 'Consent to application',
          operationType: 'Assign',
          initiatedBy: byUser(user),
          targetResources: [
            {
              id: app.id,
              displayName: app.displayName,
              type: 'ServicePrincipal',
              userPrincipalName: null,
              groupType: null,
              modifiedProperties: [
                { displayName: 'ConsentContext.IsAdminConsent', oldValue: null, newValue: quotedJson(String(rng.chance(0.3))) },
                { displayName: 'ConsentAction.Permissions', oldValue: null, newValue: quotedJson('Scope: User.Read offline_access') },
              ],
            },
          ],
          additionalDetails: [
            { key: 'User-Agent', value: ADMIN_AGENT },
            { key: 'AppId', value: String(app.appId) },
          ],
        };
      case 'secret':
        return {
          ...base,
          category: 'ApplicationManagement',
          activityDisplayName: 'Update application – Certificates and secrets management ',
          operationType: 'Update',
          initiatedBy: rng.chance(0.3) && firstParty.length ? byApp(rng.pick(firstParty)) : byUser(admin),
          targetResources: [
            {
              id: rng.guid(),
              displayName: app.displayName,
              type: 'Application',
              userPrincipalName: null,
              groupType: null,
              modifiedProperties: [
                {
                  displayName: 'KeyDescription',
                  oldValue: '[]',
                  newValue: quotedJson(`[KeyIdentifier=${rng.guid()},KeyType=Password,KeyUsage=Verify,DisplayName=ci]`),
                },
              ],
            },
          ],
        };
      case 'addUser':
      case 'deleteUser':
        return {
          ...base,
          activityDisplayName: kind === 'addUser' ? 'Add user' : 'Delete user',
          operationType: kind === 'addUser' ? 'Add' : 'Delete',
          initiatedBy: rng.chance(0.5) && firstParty.length ? byApp(rng.pick(firstParty)) : byUser(admin),
          targetResources: [userTarget(user)],
        };
      case 'updateUser':
        return {
          ...base,
          targetResources: [
            userTarget(user, [
              { displayName: 'Department', oldValue: '["Sales"]', newValue: '["Marketing"]' },
              { displayName: 'Included Updated Properties', oldValue: null, newValue: '"Department"' },
            ]),
          ],
        };
      case 'groupMember':
      case 'ssgm': {
        const group = groups.length ? rng.pick(groups) : { id: rng.guid(), displayName: 'All staff' };
        const groupTarget = {
          id: group.id,
          displayName: group.displayName ?? null,
          type: 'Group',
          userPrincipalName: null,
          groupType: rng.chance(0.5) ? 'unifiedGroups' : 'azureAD',
          modifiedProperties: [{ displayName: 'Group.DisplayName', oldValue: null, newValue: quotedJson(group.displayName ?? '') }],
        };
        if (kind === 'ssgm') {
          return {
            ...base,
            id: `SSGM_${rng.guid()}_${suffix()}_${digits(8)}`,
            category: 'GroupManagement',
            activityDisplayName: 'Add member to group',
            loggedByService: 'Self-service Group Management',
            operationType: 'Add',
            initiatedBy: byUser(user),
            targetResources: [groupTarget],
            additionalDetails: [],
          };
        }
        const added = rng.chance(0.7);
        return {
          ...base,
          id: rng.guid(), // some ids are plain GUIDs, as documented
          category: 'GroupManagement',
          activityDisplayName: added ? 'Add member to group' : 'Remove member from group',
          operationType: added ? 'Assign' : 'Unassign',
          targetResources: [userTarget(user), groupTarget],
        };
      }
    }
  };

  const newestMs = ctx.nowMs - 60_000; // audit events show up with some delay
  const oldestMs = ctx.nowMs - plan.retentionDays * DAY_MS + 2 * 3_600_000;
  const created = instantStrings(instants(rng, plan.count, Math.max(0, newestMs - oldestMs) * 10_000), Math.floor(newestMs / 1000));
  const audits = created.map(build);
  // Older than retention: Graph no longer serves them, the truth must not include them.
  const beyondNewest = ctx.nowMs - (plan.retentionDays + 1) * DAY_MS;
  for (let i = 0; i < plan.beyondRetention; i++) {
    audits.push(build(isoTicks(beyondNewest - ((i + rng.next()) / Math.max(1, plan.beyondRetention)) * 20 * DAY_MS, rng.int(10_000_000))));
  }
  return audits;
}
