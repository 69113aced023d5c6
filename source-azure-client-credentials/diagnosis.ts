// Why a stream cannot be read (permission, consent lag, licence, cloud) and the sentences that tell an administrator what to do.
import { CONSENT_PATH } from './admin-center.js';
import type { Config } from './config.js';
import type { Cloud } from './endpoints.js';
import { ConnectorError } from './errors.js';
import { DENIED_CODE, NOT_PREMIUM_CODE, unknownPropertyName } from './graph/error-policy.js';
import { isResourceNotServed, matchesRow } from './graph/errors.js';
import { grantingRoles, requiredPermissions, smallestGrant, unmetRequirements } from './permissions.js';
import type { AdvisedPermissions, CloudAvailability, PermissionRequirement, StreamDef } from './streams/types.js';

/** Without a licence, users still works once it stops selecting signInActivity; other streams must be deselected. */
const LICENCE_WORKAROUND: Readonly<Record<string, string>> = { users: 'turn off include_sign_in_activity' };

/** The clouds as Microsoft names them (https://learn.microsoft.com/graph/deployments). */
const CLOUD_NAMES: Readonly<Record<Cloud, string>> = {
  global: 'global',
  us_government_l4: 'US Government L4',
  us_government_l5: 'US Government L5 (DoD)',
  china: 'China (operated by 21Vianet)',
};

/** What decides whether one stream can be read with this config: its definition's declarations and the cloud. */
export interface StreamAccess {
  stream: string;
  /** The stream's permissions plus those its options add. */
  required: PermissionRequirement;
  advised?: AdvisedPermissions;
  availability?: CloudAvailability;
  cloud: Cloud;
  /** Property names a config option makes the stream select (StreamDef.optionProperties). */
  optionProperties?: { option: string; names: readonly string[] };
}

export function streamAccess(
  def: Pick<StreamDef, 'name' | 'permissions' | 'optionPermissions' | 'advisedPermissions' | 'availability' | 'optionProperties'>,
  config: Config,
): StreamAccess {
  const optionProperties = def.optionProperties?.(config);
  return {
    stream: def.name,
    required: requiredPermissions(def, config),
    ...(def.advisedPermissions ? { advised: def.advisedPermissions } : {}),
    ...(def.availability ? { availability: def.availability } : {}),
    cloud: config.cloud ?? 'global',
    ...(optionProperties ? { optionProperties } : {}),
  };
}

/** Why one stream cannot be read. */
export type StreamProblem =
  /** The token has roles, but not these (each inner list: any one of them would do). */
  | { kind: 'permission'; missing: string[][] }
  /** The token has no roles claim at all: nothing was consented as an Application permission. */
  | { kind: 'no_roles'; missing: string[][] }
  /** The roles claim has the permission but Graph still refuses: consent is still propagating. */
  | { kind: 'consent_pending'; granted: string[] }
  /** Graph refused (403) a stream whose advised permissions the token lacks: they are needed after all. */
  | { kind: 'advised_missing'; missing: string[][]; granted: string[]; reason: string }
  /** Sign-in logs need Entra ID P1 or P2 (https://learn.microsoft.com/entra/identity/monitoring-health/concept-sign-ins). */
  | { kind: 'licence' }
  /** The configured cloud's Graph answered that the stream's resource does not exist there. */
  | { kind: 'unavailable_in_cloud'; cloud: Cloud; availability: CloudAvailability; answer: string }
  /** Graph does not know a property the config named (e.g. an unregistered directory extension in additional_user_properties). */
  | { kind: 'unknown_property'; property: string; option: string; answer: string }
  /** Anything else; the error already carries its own message. */
  | { kind: 'other'; error: ConnectorError };

/** Advised permissions the roles claim lacks, for a warning (the stream stays readable). */
interface PermissionAdvice {
  missing: string[][];
  reason: string;
}

/** "a", "a and b", "a, b and c" */
function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** "GroupMember.Read.All (or Directory.Read.All)" */
function choice(anyOf: readonly string[]): string {
  return anyOf.length === 1 ? anyOf[0]! : `${anyOf[0]} (or ${anyOf.slice(1).join(' or ')})`;
}

const permissionWord = (requirements: readonly unknown[]) => (requirements.length > 1 ? 'permissions' : 'permission');

/** Judges the roles claim against a stream's requirement; undefined when the claim allows it. */
export function permissionProblem(requirement: PermissionRequirement, roles: readonly string[]): StreamProblem | undefined {
  const missing = unmetRequirements(requirement, roles);
  if (missing.length === 0) return undefined;
  return roles.length === 0 ? { kind: 'no_roles', missing } : { kind: 'permission', missing };
}

/** The advised permissions the roles claim lacks; undefined when it has them all (or none are advised). */
export function advisedGaps(access: StreamAccess, roles: readonly string[]): PermissionAdvice | undefined {
  if (!access.advised) return undefined;
  const missing = unmetRequirements(access.advised.requirement, roles);
  return missing.length === 0 ? undefined : { missing, reason: access.advised.reason };
}

/** Classifies a failed Graph request made for a stream whose roles claim looked sufficient. */
export function failureProblem(caught: unknown, access: StreamAccess, roles: readonly string[]): StreamProblem | undefined {
  if (!(caught instanceof ConnectorError)) return undefined;
  const { status, code } = caught as ConnectorError & { status?: number; code?: string };
  // The error table knows the codes of the two 403s that mean "not allowed" rather than "broken".
  if (matchesRow(caught, 'http-403-no-premium')) return { kind: 'licence' };
  if (matchesRow(caught, 'http-403-permission')) {
    const granted = grantingRoles(access.required, roles);
    const advice = advisedGaps(access, roles);
    return advice
      ? { kind: 'advised_missing', missing: advice.missing, granted, reason: advice.reason }
      : { kind: 'consent_pending', granted };
  }
  // A property the config named that Graph does not know is the user's to fix; one the connector named stays a defect.
  if (access.optionProperties && matchesRow(caught, 'http-400-unknown-property')) {
    const named = unknownPropertyName((caught as ConnectorError & { detail?: string }).detail)?.toLowerCase();
    const property = access.optionProperties.names.find((name) => name.toLowerCase() === named);
    if (property)
      return {
        kind: 'unknown_property',
        property,
        option: access.optionProperties.option,
        answer: code ? `${status} ${code}` : `HTTP ${status}`,
      };
  }
  const { availability, cloud } = access;
  // A resource the cloud does not serve counts only for a stream whose documented clouds exclude the configured one:
  // a 400 in the global cloud stays a defect of the connector's request (row http-400-bad-request).
  if (availability && !availability.clouds.includes(cloud) && isResourceNotServed(caught)) {
    return { kind: 'unavailable_in_cloud', cloud, availability, answer: code ? `${status} ${code}` : `HTTP ${status}` };
  }
  return { kind: 'other', error: caught };
}

/** One sentence about one stream, without the "where to grant it" advice (see consentAdvice). */
function problemSentence(stream: string, problem: StreamProblem): string {
  switch (problem.kind) {
    case 'permission':
    case 'no_roles':
      return `${stream} cannot be read: the app lacks the Microsoft Graph application ${permissionWord(problem.missing)} ${listing(problem.missing.map(choice))}.`;
    case 'consent_pending':
      return (
        `${stream} cannot be read yet: the app's token already lists ${listing(problem.granted)}, but Microsoft Graph still answered ` +
        `403 ${DENIED_CODE}; admin consent may still be propagating, so wait a few minutes and try again.`
      );
    case 'advised_missing':
      return (
        `${stream} cannot be read: Microsoft Graph refused it (403 ${DENIED_CODE})` +
        `${problem.granted.length ? ` although the app's token lists ${listing(problem.granted)}` : ''}; it also needs the Microsoft Graph ` +
        `application ${permissionWord(problem.missing)} ${listing(problem.missing.map(choice))}: ${problem.reason}.`
      );
    case 'licence':
      return (
        `${stream} cannot be read: this tenant has no Microsoft Entra ID P1 or P2 licence, which Microsoft Graph requires for sign-in data ` +
        `(403 ${NOT_PREMIUM_CODE}); add an Entra ID P1 or P2 licence to the tenant, or ${LICENCE_WORKAROUND[stream] ?? `deselect ${stream}`}.`
      );
    case 'unavailable_in_cloud': {
      const { clouds, data, page } = problem.availability;
      const documented = `${listing(clouds.map((c) => CLOUD_NAMES[c]))} cloud${clouds.length > 1 ? 's' : ''}`;
      return (
        `${stream} cannot be read in the ${CLOUD_NAMES[problem.cloud]} cloud (cloud: ${problem.cloud}): ${data} are not available through ` +
        `Microsoft Graph v1.0 there. Microsoft Graph in that cloud answered ${problem.answer} (no such resource), and Microsoft lists this API ` +
        `in the ${documented} only (${page}). This is not a connector defect: deselect ${stream} for this tenant.`
      );
    }
    case 'unknown_property':
      return (
        `${stream} cannot be read: Microsoft Graph does not know the property "${problem.property}" that ${problem.option} names ` +
        `(it answered ${problem.answer}: Could not find a property named '${problem.property}'). ` +
        (/^extension_/i.test(problem.property)
          ? "A directory extension exists only while an application of this tenant registers it: check the application (client) ID, written without hyphens, and the name (GET /applications/{id}/extensionProperties lists an app's extensions). "
          : 'Check its spelling against https://learn.microsoft.com/graph/api/resources/user. ') +
        `Correct it or remove it from ${problem.option}.`
      );
    case 'other':
      return `${stream} cannot be read: ${problem.error.message}`;
  }
}

/**
 * Where and what to grant, for every permission problem together. A token without any roles claim
 * means nothing was consented as an Application permission: permissions added as Delegated never
 * appear in the app-only token this connector uses.
 */
function consentAdvice(problems: readonly StreamProblem[]): string | undefined {
  const requirements = problems.flatMap((p) =>
    p.kind === 'permission' || p.kind === 'no_roles' || p.kind === 'advised_missing' ? p.missing : [],
  );
  if (requirements.length === 0) return undefined;
  const grant = smallestGrant(requirements);
  const advice = `Add ${listing(grant)} (Application permissions, not Delegated) in ${CONSENT_PATH}.`;
  if (!problems.some((p) => p.kind === 'no_roles')) return advice;
  return (
    `The app's access token carries no application permissions at all: either the permissions were added as Delegated ` +
    `(this connector signs in as the app itself, so Delegated permissions never reach it) or admin consent was not granted. ${advice}`
  );
}

/** The warning about advised permissions the token lacks; `readable` says whether the stream itself can be read. */
function adviceSentence(stream: string, advice: PermissionAdvice, readable: boolean): string {
  const permissions = listing(advice.missing.map(choice));
  return readable
    ? `${stream} can be read, but the app's token lacks ${permissions}, which is advised: ${advice.reason}. ` +
        `If a sync of ${stream} is refused with 403 ${DENIED_CODE}, add ${permissions} (Application permissions, not Delegated) in ${CONSENT_PATH}.`
    : `For ${stream}, ${permissions} is advised as well: ${advice.reason}.`;
}

/** The error a stream fails with during read (and check's WARN line for it); `cause` keeps Graph's details internal. */
export function streamError(stream: string, problem: StreamProblem, cause?: unknown): ConnectorError {
  if (problem.kind === 'other') return problem.error;
  const advice = consentAdvice([problem]);
  const message = advice ? `${problemSentence(stream, problem)} ${advice}` : problemSentence(stream, problem);
  const internal = cause instanceof ConnectorError ? cause.internal : undefined;
  return new ConnectorError(message, 'config_error', internal, cause === undefined ? undefined : { cause });
}

/** A failure during read, turned into the diagnosis when it is a permission, licence or cloud answer; otherwise unchanged. */
export function diagnoseFailure(caught: unknown, access: StreamAccess, roles: readonly string[]): unknown {
  const problem = failureProblem(caught, access, roles);
  return problem && problem.kind !== 'other' ? streamError(access.stream, problem, caught) : caught;
}

/** What check found for one stream: why it cannot be read (undefined = readable), and advice. */
export interface CheckResult {
  stream: string;
  problem?: StreamProblem | undefined;
  advice?: PermissionAdvice | undefined;
}

interface CheckOutcome {
  succeeded: boolean;
  /** For CONNECTION_STATUS; absent when every stream can be read and nothing is advised. */
  message?: string;
  /** One WARN line per stream that cannot be read and per piece of advice. */
  warnings: string[];
}

/**
 * check's verdict. check follows least privilege: a security team grants only the permissions of
 * the streams it wants, so check SUCCEEDS as soon as the credentials work and at least one stream
 * can be read, and FAILS only when no stream can. A FAILED check blocks the whole connection in
 * Airbyte, so failing it for a stream the administrator never meant to sync would force broader
 * permissions than needed.
 *
 * The message then lists the streams that will fail, each with its exact fix (the permission to
 * grant and where, the licence to add, consent that is still propagating, a cloud that does not
 * serve the data), the smallest set of permissions that fixes them all, advised permissions the
 * token lacks, and the streams that work. Every unreadable stream and every piece of advice also gets
 * its own WARN line: the sentence a sync of that stream fails with.
 *
 * A missing licence or a cloud that lacks the endpoint is handled like a missing permission: the
 * stream is unreadable and the others decide. At read time a selected stream that cannot be read
 * fails alone, with the same sentence, as a config_error, and the other streams complete.
 */
export function checkOutcome(results: readonly CheckResult[]): CheckOutcome {
  const failing = results.filter((r): r is CheckResult & { problem: StreamProblem } => r.problem !== undefined);
  const working = results.filter((r) => r.problem === undefined).map((r) => r.stream);
  // Advice matters while the stream is readable or only lacks permissions; a stream with no licence or
  // no endpoint in this cloud gains nothing from it, and advised_missing already says it.
  const advised = results.filter(
    (r): r is CheckResult & { advice: PermissionAdvice } =>
      r.advice !== undefined && (r.problem === undefined || r.problem.kind === 'permission' || r.problem.kind === 'no_roles'),
  );
  const adviceSentences = advised.map((r) => adviceSentence(r.stream, r.advice, r.problem === undefined));
  const warnings = [...failing.map((r) => streamError(r.stream, r.problem).message), ...adviceSentences];
  if (failing.length === 0 && advised.length === 0) return { succeeded: true, warnings };

  const succeeded = working.length > 0;
  const failingNames = listing(failing.map((r) => r.stream));
  const head =
    failing.length === 0
      ? 'Connected.'
      : succeeded
        ? `Connected, but ${failingNames} will fail.`
        : `Check failed: ${failingNames} will fail.`;
  const parts = [
    head,
    ...failing.map((r) => problemSentence(r.stream, r.problem)),
    consentAdvice(failing.map((r) => r.problem)),
    ...adviceSentences,
    failing.length > 0 && succeeded
      ? 'In a sync, a selected stream that cannot be read fails on its own and the others complete; deselect the streams you do not need.'
      : undefined,
    succeeded ? `${listing(working)} ${working.length === 1 ? 'works' : 'work'}.` : 'No stream can be read until this is fixed.',
  ].filter((part): part is string => part !== undefined);
  return { succeeded, message: parts.join(' '), warnings };
}
