// The directory_role_assignments stream (who holds which admin role): role assignments with their principal, joined to the role definitions.
// https://learn.microsoft.com/graph/api/rbacapplication-list-roleassignments ; https://learn.microsoft.com/graph/api/rbacapplication-list-roledefinitions
import type { DirectoryRoleAssignmentsRecord } from '../generated/directory-role-assignments.js';
import { GraphRequestError } from '../graph/errors.js';
import type { GraphClient } from '../graph/types.js';
import { encodeQuery } from '../graph/urls.js';
import type { Logger } from '../logger.js';
import type { StreamDef } from './types.js';

const ASSIGNMENTS = '/roleManagement/directory/roleAssignments';
const DEFINITIONS = '/roleManagement/directory/roleDefinitions';
/** Global Administrator's template id: a role every tenant has, for a probe that is valid whether or not a $filter is required. */
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const ODATA_PREFIX = '#microsoft.graph.';

interface RoleDefinition {
  id: string;
  displayName?: string | null;
  templateId?: string | null;
  isBuiltIn?: boolean | null;
}

interface GraphPrincipal {
  '@odata.type'?: string;
  id?: string;
  displayName?: string | null;
  userPrincipalName?: string | null;
}

interface GraphRoleAssignment {
  id: string;
  roleDefinitionId?: string | null;
  principalId?: string | null;
  directoryScopeId?: string | null;
  appScopeId?: string | null;
  principal?: GraphPrincipal | null;
}

/** Every role definition by its id and by its templateId: an assignment may name either. */
async function readDefinitions(graph: GraphClient): Promise<Map<string, RoleDefinition>> {
  const byKey = new Map<string, RoleDefinition>();
  // The list takes $filter and $expand (no $select, no $top are documented); built-in and custom roles alike.
  for await (const definition of graph.list<RoleDefinition>(DEFINITIONS)) {
    byKey.set(definition.id, definition);
    if (definition.templateId && !byKey.has(definition.templateId)) byKey.set(definition.templateId, definition);
  }
  return byKey;
}

export function toRoleAssignmentRecord(
  assignment: GraphRoleAssignment,
  definitions: ReadonlyMap<string, RoleDefinition>,
): DirectoryRoleAssignmentsRecord {
  const definition = assignment.roleDefinitionId ? definitions.get(assignment.roleDefinitionId) : undefined;
  const principal = assignment.principal ?? undefined;
  const type = principal?.['@odata.type'];
  const principalType = type ? (type.startsWith(ODATA_PREFIX) ? type.slice(ODATA_PREFIX.length) : type.replace(/^#/, '')) : null;
  return {
    id: assignment.id,
    roleDefinitionId: assignment.roleDefinitionId ?? null,
    roleDisplayName: definition?.displayName ?? null,
    roleTemplateId: definition?.templateId ?? null,
    roleIsBuiltIn: definition?.isBuiltIn ?? null,
    principalId: assignment.principalId ?? null,
    principalType,
    principalDisplayName: principal?.displayName ?? null,
    principalUserPrincipalName: principalType === 'user' ? (principal?.userPrincipalName ?? null) : null,
    directoryScopeId: assignment.directoryScopeId ?? null,
    appScopeId: assignment.appScopeId ?? null,
  };
}

/**
 * The assignments, with their principal expanded (one request per page, however many principals: a lookup per principal
 * would cost a request each, and the permissions of every kind of principal). Whether v1.0 refuses the list without a
 * $filter is not documented (early beta required one: https://github.com/microsoftgraph/microsoft-graph-docs/issues/12453),
 * so a 400 to the unfiltered first request falls back to one filtered request per role definition, batched.
 */
async function* readAssignments(
  graph: GraphClient,
  definitions: ReadonlyMap<string, RoleDefinition>,
  log: Logger,
): AsyncGenerator<GraphRoleAssignment> {
  let answered = false;
  try {
    for await (const page of graph.pages<GraphRoleAssignment>(ASSIGNMENTS, { query: { $expand: 'principal' } })) {
      answered = true;
      yield* page.value;
    }
    return;
  } catch (error) {
    if (answered || !(error instanceof GraphRequestError) || error.status !== 400) throw error;
    log.info(
      `directory_role_assignments: Microsoft Graph refused the list of role assignments without a filter (${error.status} ${error.code ?? ''}); reading them per role definition instead (one filtered request per role, batched).`,
    );
  }
  // Each role by its id and, when it differs, its templateId: an assignment may name either. An assignment is read once.
  const requests = [...definitions.keys()].map((key) => ({
    key,
    path: `${ASSIGNMENTS}${encodeQuery({ $filter: `roleDefinitionId eq '${key}'`, $expand: 'principal' })}`,
  }));
  const seen = new Set<string>();
  for await (const item of graph.batchPages<GraphRoleAssignment>(requests)) {
    // A filter has nothing to be "gone": whatever the policy would skip is a failure here, never a silently missing role.
    if (item.error) throw item.error;
    for (const assignment of item.page.value) {
      if (seen.has(assignment.id)) continue;
      seen.add(assignment.id);
      yield assignment;
    }
  }
}

export const directoryRoleAssignments: StreamDef<DirectoryRoleAssignmentsRecord> = {
  name: 'directory_role_assignments',
  schemaName: 'directory_role_assignments',
  primaryKey: [['id']],
  // No delta query for role assignments (https://learn.microsoft.com/graph/delta-query-overview#supported-resources).
  supportedSyncModes: ['full_refresh'],
  // Both lists, least privileged first: RoleManagement.Read.Directory (RoleManagement.Read.All and Directory.Read.All also
  // grant it). Microsoft's own example expands the principal with it.
  permissions: [['RoleManagement.Read.Directory']],
  probes: [
    { path: DEFINITIONS, query: { $filter: `id eq '${GLOBAL_ADMINISTRATOR}'` } },
    { path: ASSIGNMENTS, query: { $filter: `roleDefinitionId eq '${GLOBAL_ADMINISTRATOR}'` } },
  ],
  async *read({ graph, log }) {
    const definitions = await readDefinitions(graph);
    let unnamed = 0;
    for await (const assignment of readAssignments(graph, definitions, log)) {
      const record = toRoleAssignmentRecord(assignment, definitions);
      if (record.principalType !== null && record.principalDisplayName === null) unnamed++;
      yield { kind: 'record', data: record };
    }
    if (unnamed > 0) {
      log.warn(
        `directory_role_assignments: ${unnamed} role assignment${unnamed === 1 ? '' : 's'} came with a principal but without its name, so principalDisplayName (and principalUserPrincipalName) are null there. Microsoft Graph returns only the principal's id when the app may not read that kind of object: grant Directory.Read.All (Application permission) for the names.`,
      );
    }
  },
};
