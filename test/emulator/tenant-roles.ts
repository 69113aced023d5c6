// Synthetic directory roles: built-in role definitions (id = templateId, as Graph has them), a custom role whose templateId
// differs from its id, and active role assignments to users, groups and service principals, tenant-wide and scoped.
import { idFromGuids } from './tenant-consents.js';
import type { Random } from './tenant-random.js';
import type { GraphObject } from './types.js';

/** Built-in roles by template id: https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference */
const BUILT_IN: ReadonlyArray<readonly [templateId: string, displayName: string, action: string]> = [
  ['62e90394-69f5-4237-9190-012177145e10', 'Global Administrator', 'microsoft.directory/allEntities/allProperties/allTasks'],
  ['f2ef992c-3afb-46b9-b7cf-a126ee74c451', 'Global Reader', 'microsoft.directory/allEntities/allProperties/read'],
  ['e8611ab8-c189-46e8-94e1-60213ab1f814', 'Privileged Role Administrator', 'microsoft.directory/roleAssignments/allProperties/allTasks'],
  ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Administrator', 'microsoft.directory/users/allProperties/allTasks'],
  ['9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', 'Application Administrator', 'microsoft.directory/applications/allProperties/allTasks'],
  ['158c047a-c907-4556-b7ef-446551a6b5f7', 'Cloud Application Administrator', 'microsoft.directory/applications/credentials/update'],
  ['194ae4cb-b126-40b2-bd5b-6091b380977d', 'Security Administrator', 'microsoft.directory/policies/standard/read'],
  ['5d6b6bb7-de71-4623-b4af-96380a352509', 'Security Reader', 'microsoft.directory/auditLogs/allProperties/read'],
  ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator', 'microsoft.directory/users/password/update'],
  ['fdd7a751-b60b-444a-984c-02652fe8fa1c', 'Groups Administrator', 'microsoft.directory/groups/allProperties/allTasks'],
  ['29232cdf-9323-42fd-ade2-1d097af3e4de', 'Exchange Administrator', 'microsoft.office365.exchange/allEntities/basic/allTasks'],
  ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Administrator', 'microsoft.office365.sharePoint/allEntities/allTasks'],
  ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator', 'microsoft.commerce.billing/allEntities/allTasks'],
  ['4d6ac14f-3453-41d0-bef9-a3e0c569773a', 'License Administrator', 'microsoft.directory/users/assignLicense'],
  ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', 'Directory Readers', 'microsoft.directory/users/standard/read'],
  ['f023fd81-a637-4b56-95fd-791ac0226033', 'Service Support Administrator', 'microsoft.office365.supportTickets/allEntities/allTasks'],
];

function definition(id: string, templateId: string, displayName: string, action: string, isBuiltIn: boolean): GraphObject {
  return {
    id,
    description: `${isBuiltIn ? 'Built-in' : 'Custom'} role: ${displayName}.`,
    displayName,
    isBuiltIn,
    isEnabled: true,
    resourceScopes: ['/'],
    rolePermissions: [{ allowedResourceActions: [action], condition: null }],
    templateId,
    version: isBuiltIn ? '1' : null,
  };
}

interface Inputs {
  users: readonly GraphObject[];
  groups: readonly GraphObject[];
  servicePrincipals: readonly GraphObject[];
  applications: readonly GraphObject[];
}

export interface GeneratedRoles {
  roleDefinitions: GraphObject[];
  roleAssignments: GraphObject[];
}

/**
 * The role definitions, and assignments: fixed cases (two Global Administrators, a group, a service principal, a role
 * scoped to one application and one to an administrative unit, the custom role named by its id and by its templateId),
 * then `extra` built-in roles given to random users. A case whose kind of principal the tenant lacks is left out.
 */
export function generateRoles(rng: Random, inputs: Inputs, extra: number): GeneratedRoles {
  const builtIn = BUILT_IN.map(([templateId, name, action]) => definition(templateId, templateId, name, action, true));
  const custom = definition(
    rng.guid(),
    rng.guid(),
    'Contoso Application Credential Manager',
    'microsoft.directory/applications/credentials/update',
    false,
  );
  const roleDefinitions = [...builtIn, custom];
  const role = (name: string) => builtIn.find((d) => d.displayName === name)!;
  const users = inputs.users.filter((u) => u.userType !== 'Guest');
  const roleAssignments: GraphObject[] = [];
  const suffixes = new Map<string, number>();
  const assign = (roleDefinitionId: string, principal: GraphObject | undefined, directoryScopeId = '/') => {
    if (!principal) return;
    const base = idFromGuids(roleDefinitionId, principal.id);
    const n = (suffixes.get(base) ?? 0) + 1;
    suffixes.set(base, n);
    roleAssignments.push({
      id: `${base}-${n}`,
      appScopeId: null,
      condition: null,
      directoryScopeId,
      principalId: principal.id,
      roleDefinitionId,
    });
  };
  const user = (k: number) => users[k % Math.max(1, users.length)];
  assign(role('Global Administrator').id, user(0));
  assign(role('Global Administrator').id, user(1));
  assign(role('Privileged Role Administrator').id, user(0));
  assign(role('User Administrator').id, inputs.groups[0]);
  assign(role('Security Reader').id, inputs.groups[1]);
  assign(
    role('Application Administrator').id,
    inputs.servicePrincipals.find((sp) => sp.servicePrincipalType === 'Application'),
  );
  assign(
    role('Global Reader').id,
    inputs.servicePrincipals.find((sp) => sp.servicePrincipalType === 'ManagedIdentity'),
  );
  const app = inputs.applications[0];
  if (app) assign(role('Cloud Application Administrator').id, user(2), `/${app.id}`);
  assign(role('Helpdesk Administrator').id, user(3), `/administrativeUnits/${rng.guid()}`);
  assign(String(custom.id), user(4));
  assign(String(custom.templateId), inputs.groups[2] ?? user(5));
  for (let k = 0; k < extra && users.length > 0; k++) assign(String(rng.pick(builtIn).id), rng.pick(users));
  return { roleDefinitions, roleAssignments };
}
