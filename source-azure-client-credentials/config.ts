// Loads and validates the connection config against schemas/spec.json, producing a typed Config.
import { resolveEndpoints } from './endpoints.js';
import { configError } from './errors.js';
import { readJsonFile } from './files.js';
import type { SourceConfig } from './generated/spec.js';
import { loadSpec } from './schemas.js';
import { registerSecret } from './secrets.js';
import { createAjv, type ErrorObject, type ValidateFunction } from './validation.js';

/** The validated config with every default applied and domain_names parsed. */
export type Config = SourceConfig &
  Required<
    Pick<
      SourceConfig,
      | 'include_guests'
      | 'domain_names'
      | 'sign_in_lookback_minutes'
      | 'cloud'
      | 'include_sign_in_activity'
      | 'max_concurrent_requests'
      | 'use_batch_requests'
      | 'reports_requests_per_10_seconds'
      | 'delta_full_resync_days'
    >
  > & {
    /** domain_names as lower-case domains without a leading @; empty keeps every domain. */
    domains: string[];
  };

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

let validator: ValidateFunction | undefined;

/**
 * Splits the comma-separated domain_names the way the seed product takes it: case-insensitive,
 * spaces and empty entries ignored, a leading @ tolerated. An entry that is not a domain is an error.
 */
export function parseDomainNames(value: string): string[] {
  const domains = new Set<string>();
  for (const entry of value.split(/[,;\s]+/)) {
    const domain = entry.trim().replace(/^@/, '').replace(/\.$/, '').toLowerCase();
    if (!domain) continue;
    if (!DOMAIN.test(domain)) {
      const shown = entry.length > 60 ? `${entry.slice(0, 60)}...` : entry;
      throw configError(
        `domain_names: "${shown}" is not a domain name. Use comma-separated domains such as "contoso.com, fabrikam.example".`,
      );
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
      return `${field} is not in the expected format (${field === 'tenant_id' ? 'a GUID or a domain such as contoso.onmicrosoft.com' : field === 'client_id' ? 'a GUID' : field === 'start_date' ? 'YYYY-MM-DDTHH:mm:ssZ' : 'see the field description'})`;
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

/** Validates a parsed config object; error messages name fields and never echo values. */
export function validateConfig(raw: unknown): Config {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('The config must be a JSON object with tenant_id, client_id and credentials.');
  }
  const candidate = structuredClone(raw) as Record<string, unknown>;
  // Register secrets first, so that nothing printed afterwards (even a validation error) can show them.
  const credentials = candidate.credentials as Record<string, unknown> | undefined;
  if (credentials && typeof credentials === 'object') {
    // The certificate is public: only the secret, the private key and its passphrase are redacted.
    for (const key of ['client_secret', 'private_key', 'private_key_passphrase']) {
      if (typeof credentials[key] === 'string') registerSecret(credentials[key] as string);
    }
  }
  validator ??= createValidator();
  if (!validator(candidate)) {
    const messages = [...new Set(credentialErrors(validator.errors ?? [], credentials?.auth_type).map(describe))];
    // When a oneOf branch reports details, the generic oneOf line adds nothing.
    const useful = messages.length > 1 ? messages.filter((m) => !m.includes('exactly one of')) : messages;
    throw configError(`The config is invalid: ${useful.slice(0, 6).join('; ')}. Fix these fields and try again.`);
  }
  const config = candidate as Config;
  config.domains = parseDomainNames(config.domain_names);
  if (config.start_date && Number.isNaN(Date.parse(config.start_date))) {
    throw configError('start_date is not a real date. Use YYYY-MM-DDTHH:mm:ssZ in UTC, for example 2026-11-01T00:00:00Z.');
  }
  return config;
}

/** The auth_type of each credentials option, in spec order. */
function authTypes(): string[] {
  return credentialOptions().map((option) => String(option.properties?.auth_type?.const));
}

type SchemaNode = { properties?: Record<string, SchemaNode & { const?: unknown; default?: unknown }>; oneOf?: SchemaNode[] };

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

function createValidator(): ValidateFunction {
  // ajv (strict) refuses a default inside oneOf, where it would not apply it anyway; the UI still shows it,
  // and the code reads an absent option field as its default.
  const schema = structuredClone(loadSpec().connectionSpecification) as SchemaNode;
  for (const option of schema.properties?.credentials?.oneOf ?? [])
    for (const field of Object.values(option.properties ?? {})) delete field.default;
  return createAjv({ useDefaults: true }).compile(schema);
}

/** Reads and validates the config file; a bad endpoint override in the environment fails here too. */
export function loadConfig(path: string): Config {
  const config = validateConfig(readJsonFile(path, 'config'));
  resolveEndpoints(config.cloud);
  return config;
}
