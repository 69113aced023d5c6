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

/** The properties a request returns for an entity: the selected known ones, or the entity's default set (undefined = all). */
export function projection(entity: string, select: string[] | undefined): string[] | undefined {
  if (select) {
    // Unknown names never get here (query.ts answers 400, as Graph does); a name another member type has
    // (a group's members are of several types) is left out for this entity.
    const canonical = CANONICAL.get(entity);
    return [...new Set(select.map((s) => canonical?.get(s.toLowerCase())).filter((n): n is string => n !== undefined))];
  }
  return entity === 'user' ? [...USER_DEFAULT_PROPERTIES] : undefined;
}

/** The object restricted to `fields` (a missing property is null, as Graph serializes unset properties); all when undefined. */
export function project(object: GraphObject, fields: string[] | undefined, odataType?: string): Record<string, unknown> {
  const out: Record<string, unknown> = odataType ? { '@odata.type': odataType } : {};
  if (!fields) return Object.assign(out, object);
  for (const f of fields) out[f] = object[f] ?? null;
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
