// Synthetic delegated permission grants (oauth2PermissionGrants): admin consents for everyone (AllPrincipals) and users'
// own consents (Principal), from the tenant's non-Microsoft applications to Microsoft APIs.
import { SP_FIRST_PARTY, SP_UNVERIFIED, SP_VERIFIED } from './tenant-apps.js';
import type { Random } from './tenant-random.js';
import type { GraphObject } from './types.js';

const SCOPES = ['User.Read', 'Mail.Read', 'Files.ReadWrite.All', 'Calendars.Read', 'Directory.Read.All', 'Sites.Read.All', 'Chat.Read'];
const SIGN_IN_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
/** The APIs users consent to most, by their first-party service principal's name. */
const RESOURCES = ['Microsoft Graph', 'Office 365 Exchange Online', 'Office 365 SharePoint Online'];

/**
 * An id made of GUIDs' bytes in GUID (little-endian) order, base64url: the shape of Graph's grant ids (client, resource
 * and, for a Principal grant, user: 43 or 64 characters) and of directory role assignment ids.
 */
export function idFromGuids(...guids: string[]): string {
  const parts = guids.map((guid) => {
    const bytes = Buffer.from(guid.replace(/-/g, ''), 'hex');
    bytes.subarray(0, 4).reverse();
    bytes.subarray(4, 6).reverse();
    bytes.subarray(6, 8).reverse();
    return bytes;
  });
  return Buffer.concat(parts).toString('base64url');
}

interface Inputs {
  servicePrincipals: readonly GraphObject[];
  kinds: Uint8Array;
  users: readonly GraphObject[];
}

function scopeOf(rng: Random, serial: number): string {
  const scopes = [...SIGN_IN_SCOPES.filter(() => rng.chance(0.6)), ...SCOPES.filter(() => rng.chance(0.35))];
  if (scopes.length === 0) scopes.push('User.Read');
  // One grant padded with spaces, as Graph has been seen to return them: splitting must not yield empty scopes.
  return serial === 1 ? ` ${scopes.join('  ')} ` : scopes.join(' ');
}

/**
 * `count` grants: a third AllPrincipals (distinct client and resource), the rest Principal (distinct client, resource and
 * user). None when the tenant has no non-Microsoft application or no Microsoft API.
 */
export function generateGrants(rng: Random, inputs: Inputs, count: number): GraphObject[] {
  const { servicePrincipals, kinds } = inputs;
  const clients = servicePrincipals.filter((_, i) => kinds[i] === 0 || kinds[i] === SP_VERIFIED || kinds[i] === SP_UNVERIFIED);
  const firstParty = servicePrincipals.filter((_, i) => kinds[i] === SP_FIRST_PARTY);
  const named = RESOURCES.flatMap((name) => firstParty.filter((sp) => sp.displayName === name));
  const resources = named.length > 0 ? named : firstParty.slice(0, 1);
  const users = inputs.users.filter((u) => u.userType !== 'Guest');
  if (clients.length === 0 || resources.length === 0 || users.length === 0) return [];
  const grants: GraphObject[] = [];
  const ids = new Set<string>();
  const allPrincipals = Math.ceil(count / 3);
  for (let attempts = 0; grants.length < count && attempts < count * 20; attempts++) {
    const client = rng.pick(clients);
    const resource = rng.pick(resources);
    const everyone = grants.length < allPrincipals;
    const user = everyone ? undefined : rng.pick(users);
    const id = idFromGuids(client.id, resource.id, ...(user ? [user.id] : []));
    if (ids.has(id)) continue;
    ids.add(id);
    grants.push({
      id,
      clientId: client.id,
      consentType: everyone ? 'AllPrincipals' : 'Principal',
      principalId: user?.id ?? null,
      resourceId: resource.id,
      scope: scopeOf(rng, grants.length),
    });
  }
  return grants;
}
