// Graph's own query validation, before a handler runs: which query options an endpoint takes, and whether each $select name exists on its type.
import { ENTITY_PROPERTIES } from './properties.js';
import { graphError, type Reply } from './reply.js';

/** What $select may name on an endpoint, and the OData type a refusal names. */
export interface Selectable {
  /** e.g. microsoft.graph.user */
  type: string;
  /** Lower-cased property names ($select is case-insensitive). */
  names: ReadonlySet<string>;
}

/**
 * $select on one entity type: its structural properties from the v1.0 metadata (properties.ts), or,
 * for a type not listed there yet (a new stream's endpoint), the `properties` declared beside its route.
 */
export function selectable(type: string, properties?: Iterable<string>): Selectable {
  const names = properties ?? ENTITY_PROPERTIES[type];
  if (!names) throw new Error(`No properties known for microsoft.graph.${type}: declare them beside its route.`);
  return { type: `microsoft.graph.${type}`, names: new Set([...names].map((n) => n.toLowerCase())) };
}

/**
 * $select on a collection of several types under one declared type (a group's members are directoryObjects:
 * users, groups, devices, service principals, contacts): a name is valid when one of the types has it.
 */
export function selectableAnyOf(declaredType: string, types: string[]): Selectable {
  const names = new Set(types.flatMap((t) => [...selectable(t).names]));
  return { type: `microsoft.graph.${declaredType}`, names };
}

/** The query options of an endpoint and how Graph refuses others. */
export interface QueryRules {
  /**
   * Query options the endpoint documents (lower-case, with `$`; paging tokens included); any other `$` option is a 400.
   * Undefined: the page documents "the OData query parameters" without a list, and the handler refuses what the emulator lacks.
   */
  options?: readonly string[];
  /** What $select may name; undefined when $select is not documented (then `options` leaves it out). */
  select?: Selectable;
  /**
   * Which service answers, for the wording of a refused option: the directory (Request_UnsupportedQuery, as
   * https://learn.microsoft.com/answers/questions/1090594 shows for /users/delta) or the reports service, whose
   * OData layer answers "Query option 'Select' is not allowed" (https://github.com/microsoftgraph/microsoft-graph-devx-api/issues/1250).
   */
  service: 'directory' | 'reports';
}

/** OData's name of an option in its messages: $select -> Select, $orderby -> OrderBy. */
const ODATA_NAMES: Record<string, string> = { $orderby: 'OrderBy', $skiptoken: 'SkipToken', $deltatoken: 'DeltaToken' };
const odataName = (option: string) => ODATA_NAMES[option] ?? `${option.charAt(1).toUpperCase()}${option.slice(2)}`;

/**
 * The 400 Graph answers for `params` on an endpoint with `rules`, or undefined when the query is acceptable.
 * `extensions`: lower-cased names of the directory extensions the tenant registered for the endpoint's type
 * (selectable only there; an unregistered one is refused like any unknown name).
 */
export function queryProblem(rules: QueryRules, params: URLSearchParams, extensions?: ReadonlyMap<string, string>): Reply | undefined {
  if (rules.options) {
    for (const key of new Set(params.keys())) {
      const option = key.toLowerCase();
      if (!option.startsWith('$') || rules.options.includes(option)) continue;
      return rules.service === 'reports'
        ? graphError(
            400,
            'BadRequest',
            `Query option '${odataName(option)}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`,
          )
        : graphError(400, 'Request_UnsupportedQuery', 'Unsupported Query.');
    }
  }
  const select = params.get('$select');
  if (select !== null && rules.select) {
    for (const name of select
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      // Real Graph: 400 Request_BadRequest "Could not find a property named 'foo' on type 'microsoft.graph.user'."
      if (!rules.select.names.has(name.toLowerCase()) && !extensions?.has(name.toLowerCase())) {
        return graphError(400, 'Request_BadRequest', `Could not find a property named '${name}' on type '${rules.select.type}'.`);
      }
    }
  }
  return undefined;
}
