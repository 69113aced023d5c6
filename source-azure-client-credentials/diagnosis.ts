// Why a stream cannot be read (permission, consent lag, licence) and the sentences that tell an administrator what to do.
import { ConnectorError, configError } from './errors.js';
import { grantingRoles, smallestGrant, unmetRequirements } from './permissions.js';
import type { PermissionRequirement } from './streams/types.js';

export const CONSENT_PATH =
  'Entra admin center > App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions, then "Grant admin consent"';

/** Graph's error codes for the two 403s that mean "not allowed", not "broken" (https://learn.microsoft.com/graph/errors). */
const DENIED = 'Authorization_RequestDenied';
const NOT_PREMIUM = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

/** Without a licence, users still works once it stops selecting signInActivity; other streams must be deselected. */
const LICENCE_WORKAROUND: Readonly<Record<string, string>> = { users: 'turn off include_sign_in_activity' };

/** Why one stream cannot be read. */
export type StreamProblem =
  /** The token has roles, but not these (each inner list: any one of them would do). */
  | { kind: 'permission'; missing: string[][] }
  /** The token has no roles claim at all: nothing was consented as an Application permission. */
  | { kind: 'no_roles'; missing: string[][] }
  /** The roles claim has the permission but Graph still refuses: consent is still propagating. */
  | { kind: 'consent_pending'; granted: string[] }
  /** Sign-in logs need Entra ID P1 or P2 (https://learn.microsoft.com/entra/identity/monitoring-health/concept-sign-ins). */
  | { kind: 'licence' }
  /** Anything else; the error already carries its own message. */
  | { kind: 'other'; error: ConnectorError };

/** "a", "a and b", "a, b and c" */
export function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** "GroupMember.Read.All (or Directory.Read.All)" */
function choice(anyOf: readonly string[]): string {
  return anyOf.length === 1 ? anyOf[0]! : `${anyOf[0]} (or ${anyOf.slice(1).join(' or ')})`;
}

/** Judges the roles claim against a stream's requirement; undefined when the claim allows it. */
export function permissionProblem(requirement: PermissionRequirement, roles: readonly string[]): StreamProblem | undefined {
  const missing = unmetRequirements(requirement, roles);
  if (missing.length === 0) return undefined;
  return roles.length === 0 ? { kind: 'no_roles', missing } : { kind: 'permission', missing };
}

/** Classifies a failed Graph request made for a stream whose roles claim looked sufficient. */
export function failureProblem(caught: unknown, requirement: PermissionRequirement, roles: readonly string[]): StreamProblem | undefined {
  if (!(caught instanceof ConnectorError)) return undefined;
  const code = (caught as ConnectorError & { code?: string }).code;
  if (code === NOT_PREMIUM) return { kind: 'licence' };
  if (code === DENIED) return { kind: 'consent_pending', granted: grantingRoles(requirement, roles) };
  return { kind: 'other', error: caught };
}

/** One sentence about one stream, without the "where to grant it" advice (see consentAdvice). */
export function problemSentence(stream: string, problem: StreamProblem): string {
  switch (problem.kind) {
    case 'permission':
    case 'no_roles': {
      const plural = problem.missing.length > 1 ? 'permissions' : 'permission';
      return `${stream} cannot be read: the app lacks the Microsoft Graph application ${plural} ${listing(problem.missing.map(choice))}.`;
    }
    case 'consent_pending':
      return (
        `${stream} cannot be read yet: the app's token already lists ${listing(problem.granted)}, but Microsoft Graph still answered ` +
        `403 ${DENIED}; admin consent may still be propagating, so wait a few minutes and try again.`
      );
    case 'licence':
      return (
        `${stream} cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence, which Microsoft Graph requires for sign-in data ` +
        `(403 ${NOT_PREMIUM}); add an Entra ID P1 or P2 licence to the tenant, or ${LICENCE_WORKAROUND[stream] ?? `deselect ${stream}`}.`
      );
    case 'other':
      return `${stream} cannot be read: ${problem.error.message}`;
  }
}

/**
 * Where and what to grant, for every permission or no-roles problem together. A token without any
 * roles claim means nothing was consented as an Application permission: permissions added as
 * Delegated never appear in the app-only token this connector uses.
 */
export function consentAdvice(problems: readonly StreamProblem[]): string | undefined {
  const requirements = problems.flatMap((p) => (p.kind === 'permission' || p.kind === 'no_roles' ? p.missing : []));
  if (requirements.length === 0) return undefined;
  const grant = smallestGrant(requirements);
  const advice = `Add ${listing(grant)} (Application permissions, not Delegated) in ${CONSENT_PATH}.`;
  if (!problems.some((p) => p.kind === 'no_roles')) return advice;
  return (
    `The app's access token carries no application permissions at all: either the permissions were added as Delegated ` +
    `(this connector signs in as the app itself, so Delegated permissions never reach it) or admin consent was not granted. ${advice}`
  );
}

/** The error a stream fails with during read: the same sentences check prints. */
export function streamError(stream: string, problem: StreamProblem): ConnectorError {
  if (problem.kind === 'other') return problem.error;
  const advice = consentAdvice([problem]);
  return configError(advice ? `${problemSentence(stream, problem)} ${advice}` : problemSentence(stream, problem));
}

/** A failure during read, turned into the diagnosis when it is a permission or licence 403; otherwise unchanged. */
export function diagnoseFailure(stream: string, caught: unknown, requirement: PermissionRequirement, roles: readonly string[]): unknown {
  const problem = failureProblem(caught, requirement, roles);
  return problem && problem.kind !== 'other' ? streamError(stream, problem) : caught;
}

export interface CheckOutcome {
  succeeded: boolean;
  /** For CONNECTION_STATUS; also set on success when a stream will fail for want of a licence. */
  message?: string;
}

/**
 * check's verdict from each stream's problem (undefined = readable).
 *
 * A missing sign-in licence only warns: check SUCCEEDS, with a message saying that sign_ins will
 * fail and the other streams will work. A FAILED check blocks the whole connection in Airbyte,
 * and a tenant without Entra ID P1/P2 cannot fix that by granting anything (it is a purchase),
 * while it can deselect sign_ins and still sync users, service principals and assignments. A missing
 * permission, by contrast, FAILS check: an administrator fixes it in minutes, and the seed product
 * treats missing AuditLog.Read.All / Directory.Read.All consent as a failed integration.
 * At read time sign_ins then fails alone, with the same licence sentence, as a config_error.
 */
export function checkOutcome(results: readonly { stream: string; problem?: StreamProblem | undefined }[]): CheckOutcome {
  const failing = results.filter((r): r is { stream: string; problem: StreamProblem } => r.problem !== undefined);
  if (failing.length === 0) return { succeeded: true };
  const working = results.filter((r) => r.problem === undefined).map((r) => r.stream);
  const workingSentence =
    working.length === 0
      ? 'No stream can be read until this is fixed.'
      : `${listing(working)} ${working.length === 1 ? 'works' : 'work'}.`;
  const succeeded = failing.every((r) => r.problem.kind === 'licence');
  const failingNames = listing(failing.map((r) => r.stream));
  const parts = [
    succeeded ? `Connected, but ${failingNames} will fail.` : `Check failed: ${failingNames} will fail.`,
    ...failing.map((r) => problemSentence(r.stream, r.problem)),
    consentAdvice(failing.map((r) => r.problem)),
    workingSentence,
  ].filter((part): part is string => part !== undefined);
  return { succeeded, message: parts.join(' ') };
}
