// $select projection and once-per-projection JSON serialization of Graph objects.
import type { Directory, ObjectKind } from './directory.js';
import { ENTITY_PROPERTIES, USER_DEFAULT_PROPERTIES } from './properties.js';
import { DECLARED_PROPERTIES } from './properties-declared.js';
import type { GraphObject } from './types.js';

/** Lower-cased property name -> canonical name, per entity type ($select is case-insensitive in Graph). */
const CANONICAL = new Map(
  Object.entries({ ...ENTITY_PROPERTIES, ...DECLARED_PROPERTIES }).map(([entity, names]) => [
    entity,
    new Map([...names].map((n) => [n.toLowerCase(), n])),
  ]),
);

export const ODATA_TYPE: Record<ObjectKind, string> = {
  user: '#microsoft.graph.user',
  group: '#microsoft.graph.group',
  device: '#microsoft.graph.device',
  servicePrincipal: '#microsoft.graph.servicePrincipal',
  orgContact: '#microsoft.graph.orgContact',
  application: '#microsoft.graph.application',
};

/** Directory extension properties: extension_<appId without hyphens>_<name> (https://learn.microsoft.com/graph/extensibility-overview). */
const EXTENSION = /^extension_[0-9a-f]{32}_/i;

/**
 * The properties a request returns for an entity: the selected known ones, or the entity's default set (undefined = all).
 * `extensions` maps the lower-cased names of the directory extensions registered for the entity to their own spelling.
 */
export function projection(entity: string, select: string[] | undefined, extensions?: ReadonlyMap<string, string>): string[] | undefined {
  if (select) {
    // Unknown names never get here (query.ts answers 400, as Graph does); a name another member type has
    // (a group's members are of several types) is left out for this entity.
    const canonical = CANONICAL.get(entity);
    const names = select.map((s) => canonical?.get(s.toLowerCase()) ?? extensions?.get(s.toLowerCase()));
    return [...new Set(names.filter((n): n is string => n !== undefined))];
  }
  return entity === 'user' ? [...USER_DEFAULT_PROPERTIES] : undefined;
}

/** projection() with the tenant's directory extensions of users (only users carry them in this emulator). */
export function projectionIn(directory: Directory, entity: string, select: string[] | undefined): string[] | undefined {
  return projection(entity, select, entity === 'user' ? directory.userExtensions : undefined);
}

/**
 * The object restricted to `fields` (a missing property is null, as Graph serializes unset properties; an unset
 * directory extension is left out, as Graph does); all when undefined.
 */
export function project(object: GraphObject, fields: string[] | undefined, odataType?: string): Record<string, unknown> {
  const out: Record<string, unknown> = odataType ? { '@odata.type': odataType } : {};
  if (!fields) return Object.assign(out, object);
  for (const f of fields) {
    const value = object[f];
    if (value === undefined && EXTENSION.test(f)) continue;
    out[f] = value ?? null;
  }
  return out;
}

/**
 * Serializes records through a per-directory cache (one string per object and projection), so big pages are
 * joins of ready strings. The directory (and its cache) is rebuilt after mutations, so strings never go stale.
 */
export function serialize(directory: Directory, cacheKey: string, objects: GraphObject[], render: (o: GraphObject) => unknown): Buffer[] {
  let cache = directory.json.get(cacheKey);
  if (!cache) {
    cache = new Map();
    directory.json.set(cacheKey, cache);
  }
  return objects.map((o) => {
    let text = cache!.get(o.id);
    if (text === undefined) {
      text = Buffer.from(JSON.stringify(render(o)));
      cache!.set(o.id, text);
    }
    return text;
  });
}
