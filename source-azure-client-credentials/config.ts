// Loads the connection config once: validated against schemas/spec.json, then settled (endpoints resolved, credential checked).
import { type ClientCredential, clientCredential } from './credentials.js';
import { CLOUDS, type Cloud, type Endpoints, resolveEndpoints } from './endpoints.js';
import { configError } from './errors.js';
import { readJsonFile } from './files.js';
import validateOptions from './generated/config-validator.cjs';
import type { SourceConfig } from './generated/spec.js';
import { loadSpec } from './schemas.js';
import { registerSecret } from './secrets.js';
import { parseUserProperties, type UserProperty } from './user-properties.js';
import type { ErrorObject } from './validation.js';
import { isObject, shorten } from './values.js';

/** A type's named properties, without its index signature (additionalProperties), which Omit would otherwise flatten. */
type NamedProperties<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

/** The config options as the spec validates them, with every default applied, the cloud settled and domain_names parsed. */
type ConfigOptions = Omit<NamedProperties<SourceConfig>, 'cloud'> &
  Required<
    Pick<
      SourceConfig,
      | 'include_guests'
      | 'domain_names'
      | 'sign_in_lookback_minutes'
      | 'include_sign_in_activity'
      | 'max_concurrent_requests'
      | 'use_batch_requests'
      | 'reports_requests_per_10_seconds'
      | 'delta_full_resync_days'
      | 'sign_in_event_types'
      | 'additional_user_properties'
    >
  > & {
    /** The chosen option's cloud_type; Global when the config has none. */
    cloud: Cloud;
    /** domain_names as lower-case domains without a leading @; empty keeps every domain. */
    domains: string[];
    /** additional_user_properties checked and de-duplicated (user-properties.ts): v1.0 properties in Graph's spelling, extensions as written. */
    userProperties: UserProperty[];
  };

/**
 * The settled config every command works with, made once by loadConfig: the options, the hosts they lead to
 * (with the test-only environment overrides, read there and nowhere else) and the credential, checked before
 * any request.
 */
export type Config = ConfigOptions & {
  endpoints: Endpoints;
  clientCredential: ClientCredential;
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const DOMAIN_LIST_EXAMPLE =
  'comma-separated domains such as "contoso.com, fabrikam.example", or a JSON array such as ["contoso.com", "fabrikam.example"]';

/** The entries of a domain_names value that is a JSON array of strings (it starts with "["). */
function domainArray(value: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === 'string')) {
    throw configError(`domain_names starts with "[" but is not a JSON array of strings. Use ${DOMAIN_LIST_EXAMPLE}.`);
  }
  return parsed;
}

/**
 * Splits domain_names, a comma-separated list (the way the SaaS-management integration this connector
 * reproduces documents its Domain Names field) or a JSON array of strings: case-insensitive, spaces and empty
 * entries ignored, a leading @ tolerated. An entry that is not a domain is an error.
 */
function parseDomainNames(value: string): string[] {
  const domains = new Set<string>();
  const entries = value.trimStart().startsWith('[') ? domainArray(value) : value.split(/[,;\s]+/);
  for (const entry of entries) {
    const domain = entry.trim().replace(/^@/, '').replace(/\.$/, '').toLowerCase();
    if (!domain) continue;
    if (!DOMAIN.test(domain)) {
      throw configError(`domain_names: "${shorten(entry)}" is not a domain name. Use ${DOMAIN_LIST_EXAMPLE}.`);
    }
    domains.add(domain);
  }
  return [...domains];
}

function describe(error: ErrorObject): string {
  const field = (error.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
  switch (error.keyword) {
    case 'required':
      return `${field ? `${field}.` : ''}${(error.params as { missingProperty: string }).missingProperty} is required`;
    case 'type':
      return `${field || 'the config'} must be of type ${(error.params as { type: string }).type}`;
    case 'pattern':
      // The same hint the Airbyte UI shows next to the field.
      return `${field} is not in the expected format (${(error.parentSchema as SchemaNode | undefined)?.pattern_descriptor ?? 'see the field description'})`;
    case 'enum':
      return `${field} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    case 'const':
      return `${field} must be "${String((error.params as { allowedValue: unknown }).allowedValue)}"`;
    case 'auth_type':
      return `credentials.auth_type must be ${authTypes()
        .map((a) => `"${a}"`)
        .join(' or ')}`;
    case 'oneOf':
      return `${field} must be exactly one of the supported credential types (auth_type ${authTypes()
        .map((a) => `"${a}"`)
        .join(' or ')})`;
    default:
      return `${field || 'the config'} ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Every field the spec marks airbyte_secret, as a path (e.g. credentials.client_secret), in any credentials
 * option. The connector never prints their values, as Airbyte masks them: the spec alone decides what is
 * secret. That includes tenant_id, which is no credential (anyone can read a domain's tenant ID from its
 * public OpenID metadata) but which Airbyte's acceptance tests expect marked secret by its name, and the
 * certificate, public too but marked for the same reason: messages name these fields, never their values.
 */
function secretPaths(schema: SchemaNode, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, name];
    if (field.airbyte_secret === true) paths.push(path);
    for (const option of [field, ...(field.oneOf ?? [])]) paths.push(...secretPaths(option, path));
  }
  return paths;
}

let secrets: string[][] | undefined;

const CLOUD_TYPES = Object.keys(CLOUDS) as Cloud[];
const isCloud = (value: unknown): value is Cloud => CLOUD_TYPES.includes(value as Cloud);

/**
 * Brings the forms the spec's field types cannot express to the spec's form, before validation:
 * - cloud as a bare string ("china"), the form of configs written before cloud became a oneOf of options,
 *   becomes {"cloud_type": "china"};
 * - domain_names as a JSON array (a config file written by hand or by a tool) becomes the same array as JSON
 *   text, which the string field accepts.
 * A cloud that names no cloud is refused here, with the valid values, rather than as four oneOf mismatches.
 */
function normalizeForms(candidate: Record<string, unknown>): void {
  const cloud = candidate.cloud;
  const valid = CLOUD_TYPES.join(', ');
  if (typeof cloud === 'string') {
    if (!isCloud(cloud)) throw configError(`The config is invalid: cloud must be one of ${valid}. Fix this field and try again.`);
    candidate.cloud = { cloud_type: cloud };
  } else if (cloud !== undefined && !(isObject(cloud) && isCloud(cloud.cloud_type))) {
    throw configError(
      `The config is invalid: cloud must be an object whose cloud_type is one of ${valid} (for example {"cloud_type": "global"}). Fix this field and try again.`,
    );
  }
  const domains = candidate.domain_names;
  if (Array.isArray(domains)) {
    if (!domains.every((entry) => typeof entry === 'string'))
      throw configError(`The config is invalid: domain_names as an array must hold strings only. Use ${DOMAIN_LIST_EXAMPLE}.`);
    candidate.domain_names = JSON.stringify(domains);
  }
}

/** Validates a parsed config object; error messages name fields and never echo values. */
export function validateConfig(raw: unknown): ConfigOptions {
  if (!isObject(raw)) throw configError('The config must be a JSON object with tenant_id, client_id and credentials.');
  const candidate = structuredClone(raw);
  // Register secrets first, so that nothing printed afterwards (even a validation error) can show them.
  secrets ??= secretPaths(loadSpec().connectionSpecification as SchemaNode);
  for (const path of secrets) {
    const value = path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), candidate);
    if (typeof value === 'string') registerSecret(value);
  }
  normalizeForms(candidate);
  const authType = isObject(candidate.credentials) ? candidate.credentials.auth_type : undefined;
  if (!validateOptions(candidate)) {
    const messages = [...new Set(credentialErrors(validateOptions.errors ?? [], authType).map(describe))];
    // When a oneOf branch reports details, the generic oneOf line adds nothing.
    const useful = messages.length > 1 ? messages.filter((m) => !m.includes('exactly one of')) : messages;
    throw configError(`The config is invalid: ${useful.slice(0, 6).join('; ')}. Fix these fields and try again.`);
  }
  const validated = candidate as Omit<ConfigOptions, 'cloud'> & Pick<SourceConfig, 'cloud'>;
  const config: ConfigOptions = { ...validated, cloud: validated.cloud?.cloud_type ?? 'global' };
  config.domains = parseDomainNames(config.domain_names);
  config.userProperties = parseUserProperties(config.additional_user_properties);
  // ajv's date-time (RFC 3339) admits a leap second, 23:59:60Z, which Date (and so the sign-in windows) cannot
  // hold; every other impossible date or time (2026-02-30, 24:00:00) has already failed the spec's format.
  if (config.start_date && Number.isNaN(Date.parse(config.start_date))) {
    throw configError('start_date is not a real date. Use YYYY-MM-DDTHH:mm:ssZ in UTC, for example 2026-11-01T00:00:00Z.');
  }
  return config;
}

/** The auth_type of each credentials option, in spec order. */
function authTypes(): string[] {
  return credentialOptions().map((option) => String(option.properties?.auth_type?.const));
}

type SchemaNode = {
  properties?: Record<string, SchemaNode & { const?: unknown; default?: unknown; airbyte_secret?: boolean }>;
  oneOf?: SchemaNode[];
  pattern_descriptor?: string;
};

function credentialOptions(): SchemaNode[] {
  return ((loadSpec().connectionSpecification as SchemaNode).properties?.credentials?.oneOf ?? []) as SchemaNode[];
}

const OPTION_PATH = /^#\/properties\/credentials\/oneOf\/(\d+)\//;

/**
 * ajv reports every credentials option's complaints; only the option the user picked (by auth_type)
 * is worth reading. Without a known auth_type, one line names the valid values.
 */
function credentialErrors(errors: ErrorObject[], authType: unknown): ErrorObject[] {
  const chosen = authTypes().indexOf(String(authType));
  const inCredentials = (e: ErrorObject) => OPTION_PATH.test(e.schemaPath) || e.schemaPath === '#/properties/credentials/oneOf';
  const kept = errors.filter((e) => !inCredentials(e) || (chosen >= 0 && OPTION_PATH.exec(e.schemaPath)?.[1] === String(chosen)));
  if (chosen < 0 && errors.some(inCredentials)) {
    kept.push({ keyword: 'auth_type', instancePath: '/credentials/auth_type', schemaPath: '', params: {} } as ErrorObject);
  }
  return kept;
}

/**
 * Validates a parsed config and settles it: the endpoints of its cloud, moved only by AZURE_AUTHORITY_HOST /
 * AZURE_GRAPH_ENDPOINT in `env` (tests), and the credential, a certificate parsed and checked against `now`.
 * Everything that can be known wrong without a request fails here, as a config error.
 */
export function settleConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Config {
  const options = validateConfig(raw);
  const endpoints = resolveEndpoints(options.cloud, env);
  return { ...options, endpoints, clientCredential: clientCredential(options.credentials, now) };
}

/** Reads the config file and settles it (settleConfig): the one place the process environment's endpoint overrides are read. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Config {
  return settleConfig(readJsonFile(path, 'config'), env);
}
