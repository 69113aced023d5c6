// Synthetic users for the emulator's tenant: members, #EXT# guests, null userType, no mail, concealed (32-hex) identities.
import { DAY_MS, isoSeconds, isoTicks, placeKinds, type Random, randomTimestamp } from './tenant-random.js';
import type { GraphObject } from './types.js';

/** What user (and other directory object) builders need to know about the tenant. */
export interface DirectoryContext {
  tenantId: string;
  /** The default verified domain (contoso.example). */
  defaultDomain: string;
  /** The initial *.onmicrosoft domain (contoso.onmicrosoft.example). */
  initialDomain: string;
  /** Other verified domains members live in. */
  otherDomains: readonly string[];
  organizationName: string;
  nowMs: number;
}

/** Home domains of invited guests (not verified in this tenant). */
export const GUEST_DOMAINS = ['fabrikam.example', 'adatum.example', 'litware.example', 'tailspintoys.example', 'mail.example'] as const;

// [display form, ASCII form for addresses]
const GIVEN: ReadonlyArray<readonly [string, string]> = [
  'Alex',
  'Adele',
  'Megan',
  'Lynne',
  'Diego',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Grady',
  'Henrietta',
  'Irvin',
  'Allan',
  'Debra',
  'Christie',
  'Enrico',
  'Emily',
  'Ben',
  'Cameron',
  'Delia',
  'Ethan',
  'Fatima',
  'Gabriel',
  'Hana',
  'Ivan',
  'Jamal',
  'Kenji',
  'Leila',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rafael',
  'Sofia',
  'Tomás',
  'Uma',
  'Victor',
  'Wei',
  'Xavier',
  'Yara',
  'Zoë',
  'Aisha',
  'Björn',
  'Chen',
  'Dmitri',
  'Elena',
  'Farah',
  'Giulia',
  'Hugo',
  'Inês',
  'Jonas',
  'Kai',
  'Lucía',
  'Marek',
  'Noor',
  'Olga',
  'Pablo',
  'Rina',
].map((name) => [name, ascii(name)] as const);
const SURNAMES: ReadonlyArray<readonly [string, string]> = [
  'Wilber',
  'Vance',
  'Bowen',
  'Robbins',
  'Siciliani',
  'Langer',
  'Lauer',
  'Sherman',
  'Gu',
  'Holt',
  'Graham',
  'Wilke',
  'Fernández',
  'Gupta',
  'Archie',
  'Cantrell',
  'Bennett',
  'DeYoung',
  'Berg',
  'Cline',
  'Cattaneo',
  'Braun',
  'Carter',
  'Díaz',
  'Evans',
  'Fischer',
  'García',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quinteros',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Yılmaz',
  'Zhang',
  'Abbott',
  "O'Brien",
  'Costa',
  'Dubois',
  'Eriksson',
  'Fontaine',
  'Gallagher',
  'Horvat',
  'Iqbal',
  'Jovanović',
  'Kim',
  'Lindqvist',
  'Mendes',
  'Novak',
  'Olsen',
  'Park',
  'Reyes',
  'Müller',
].map((name) => [name, ascii(name)] as const);

export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Engineering',
  'Finance',
  'Human Resources',
  'Legal',
  'Operations',
  'Support',
  'Research',
  'IT',
] as const;
const JOB_TITLES = [
  'Account Executive',
  'Software Engineer',
  'Product Manager',
  'Financial Analyst',
  'HR Generalist',
  'Counsel',
  'Operations Lead',
  'Support Engineer',
  'Researcher',
  'Director',
  'Marketing Specialist',
  'IT Administrator',
];
const OFFICES = ['Building 32/1234', '19/3123', 'London - Canary Wharf', 'Remote', 'München Parkstadt', 'Toronto 4th floor'];
// city, state, country, usageLocation: partial ones exercise the location fallback.
const PLACES: ReadonlyArray<readonly [string | null, string | null, string | null, string | null]> = [
  ['Redmond', 'WA', 'United States', 'US'],
  ['Seattle', 'WA', 'United States', 'US'],
  ['London', null, 'United Kingdom', 'GB'],
  ['München', 'Bayern', 'Germany', 'DE'],
  ['Toronto', 'ON', 'Canada', 'CA'],
  ['Sydney', 'NSW', 'Australia', 'AU'],
  [null, null, 'Japan', 'JP'],
  ['', 'Texas', 'United States', 'US'],
  ['Dublin', '', '', 'IE'],
  [null, 'Ontario', null, 'CA'],
];
const LANGUAGES = ['en-US', 'en-US', 'en-GB', 'de-DE', 'fr-FR', null] as const;

function ascii(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ı/g, 'i')
    .replace(/[^A-Za-z]/g, '');
}

/** An empty array shared by the many users that have none (never mutated: mutations replace whole objects). */
const NONE: readonly string[] = Object.freeze([]) as readonly string[];

/** A cloud-only user's onPremisesExtensionAttributes: Graph returns the object with all fifteen attributes null. */
export const NO_EXTENSION_ATTRIBUTES: Readonly<Record<string, null>> = Object.freeze(
  Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`extensionAttribute${i + 1}`, null])),
);

/** Every user carries the same properties in the same order (one hidden class), null when unset. */
function blankUser(id: string): GraphObject {
  return {
    id,
    businessPhones: NONE as string[],
    displayName: null,
    givenName: null,
    jobTitle: null,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: null,
    userPrincipalName: null,
    accountEnabled: true,
    city: null,
    companyName: null,
    country: null,
    createdDateTime: null,
    creationType: null,
    department: null,
    employeeHireDate: null,
    employeeId: null,
    employeeType: null,
    externalUserState: null,
    otherMails: NONE as string[],
    proxyAddresses: NONE as string[],
    state: null,
    usageLocation: null,
    userType: 'Member',
    signInActivity: null,
    // Filled by tenant-user-profiles.ts for some users (licences, Entra Connect sync); cloud-only and unlicensed otherwise.
    assignedLicenses: NONE as unknown[],
    onPremisesSyncEnabled: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSamAccountName: null,
    onPremisesUserPrincipalName: null,
    onPremisesDomainName: null,
    onPremisesDistinguishedName: null,
    onPremisesImmutableId: null,
    onPremisesSecurityIdentifier: null,
    onPremisesExtensionAttributes: NO_EXTENSION_ATTRIBUTES,
  };
}

const KIND_GUEST = 1;
const KIND_CONCEALED = 2;
const KIND_NULL_TYPE = 3;
const KIND_NO_MAIL = 4;
const KIND_NULL_CREATED = 5;

/** How many of each special kind a tenant of n users gets: exact, and at least a few in any tenant of 20+. */
function specialCounts(n: number, guestFraction: number): Array<[number, number]> {
  const few = (min: number, fraction: number) => (n >= 20 ? Math.max(min, Math.round(n * fraction)) : n >= 8 ? 1 : 0);
  const guests = guestFraction > 0 ? Math.max(n >= 8 ? 1 : 0, Math.round(n * guestFraction)) : 0;
  return [
    [KIND_GUEST, guests],
    [KIND_CONCEALED, few(3, 0.001)],
    [KIND_NULL_TYPE, few(2, 0.02)],
    [KIND_NO_MAIL, few(2, 0.04)],
    [KIND_NULL_CREATED, few(2, 0.005)],
  ];
}

interface Name {
  given: string;
  surname: string;
  /** ASCII local part such as "alex.wilber" or "alex.wilber3": unique per ordinal. */
  local: string;
  /** Capitalised ASCII form, "Alex.Wilber": the mixed-case spelling of addresses. */
  cased: string;
}

/**
 * Ordinal -> unique name. Within each round of G*S ordinals, j = (ordinal * 1237 + offset) mod G*S is a bijection
 * (1237 is odd, G*S a power of two), and j splits into (given, surname): unique names without a collision set,
 * yet neighbours do not share a surname.
 */
function nameOf(ordinal: number, offset: number, suffix = ''): Name {
  const combos = GIVEN.length * SURNAMES.length;
  const j = ((((ordinal % combos) * 1237 + offset) % combos) + combos) % combos;
  const g = GIVEN[j % GIVEN.length]!;
  const s = SURNAMES[Math.floor(j / GIVEN.length)]!;
  const round = Math.floor(ordinal / combos);
  const tail = (round ? String(round) : '') + suffix;
  return { given: g[0], surname: s[0], local: `${g[1]}.${s[1]}${tail}`.toLowerCase(), cased: `${g[1]}.${s[1]}${tail}` };
}

function createdAt(rng: Random, ctx: DirectoryContext): string {
  return randomTimestamp(rng, Date.UTC(2016, 0, 1), ctx.nowMs - 2 * DAY_MS, 0.35);
}

function hireDate(rng: Random, ctx: DirectoryContext): string {
  const day = Math.floor((Date.UTC(2012, 0, 1) + rng.next() * (ctx.nowMs - 30 * DAY_MS - Date.UTC(2012, 0, 1))) / DAY_MS) * DAY_MS;
  return rng.chance(0.2) ? isoTicks(day + 8 * 3_600_000, 0) : isoSeconds(day);
}

function fillWork(user: GraphObject, rng: Random, ctx: DirectoryContext, domain: string): void {
  user.department = rng.chance(0.9) ? rng.pick(DEPARTMENTS) : rng.chance(0.5) ? '' : null;
  user.jobTitle = rng.chance(0.8) ? rng.pick(JOB_TITLES) : null;
  user.companyName = rng.chance(0.65) ? (domain.startsWith('northwind') ? 'Northwind Traders' : ctx.organizationName) : null;
  user.employeeId = rng.chance(0.6) ? `E${String(100000 + rng.int(900000))}` : null;
  user.employeeType = rng.chance(0.55) ? 'Employee' : rng.chance(0.25) ? 'Contractor' : null;
  user.employeeHireDate = rng.chance(0.4) ? hireDate(rng, ctx) : null;
  user.businessPhones = rng.chance(0.5) ? [`+1 425 555 0${String(100 + rng.int(900))}`] : (NONE as string[]);
  user.mobilePhone = rng.chance(0.3) ? `+1 206 555 0${String(100 + rng.int(900))}` : null;
  user.preferredLanguage = rng.pick(LANGUAGES);
  user.accountEnabled = rng.chance(0.93);
  // Location: office name, or an address (sometimes partial), or nothing; a few empty-string offices fall back to the address.
  const r = rng.next();
  const place = rng.pick(PLACES);
  if (r < 0.45) {
    user.officeLocation = rng.pick(OFFICES);
    if (rng.chance(0.5)) [user.city, user.state, user.country] = place;
  } else if (r < 0.88) {
    user.officeLocation = r < 0.5 ? '' : null;
    [user.city, user.state, user.country] = place;
  }
  user.usageLocation = r < 0.88 || rng.chance(0.3) ? place[3] : null;
}

/** A member with a mailbox (or not), proxy addresses in mixed case and the odd SIP/X500 entry that is not an alias. */
function fillMember(user: GraphObject, rng: Random, ctx: DirectoryContext, name: Name, withMail: boolean): void {
  const r = rng.next();
  const mailDomain = r < 0.7 || r >= 0.92 ? ctx.defaultDomain : r < 0.82 ? ctx.otherDomains[0]! : ctx.otherDomains[1]!;
  const upnDomain = r >= 0.92 ? ctx.initialDomain : mailDomain;
  user.displayName = `${name.given} ${name.surname}`;
  user.givenName = name.given;
  user.surname = name.surname;
  user.userPrincipalName = `${name.local}@${upnDomain}`;
  const mail = withMail ? (rng.chance(0.3) ? `${name.cased}@${mailDomain}` : `${name.local}@${mailDomain}`) : null;
  user.mail = mail;
  const proxies: string[] = [];
  if (mail) proxies.push(`SMTP:${rng.chance(0.5) ? mail : mail.toLowerCase()}`);
  if (rng.chance(mail ? 0.5 : 0.3)) proxies.push(`smtp:${name.local}@${ctx.initialDomain}`);
  if (mail && rng.chance(0.2)) proxies.push(`smtp:${name.cased}@${rng.pick(ctx.otherDomains).replace(/^c/, 'C')}`);
  if (mail && rng.chance(0.1)) proxies.push(`SIP:${mail.toLowerCase()}`);
  if (mail && rng.chance(0.05))
    proxies.push(
      `X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${rng.upperHex(32).toLowerCase()}-${name.local}`,
    );
  if (proxies.length) user.proxyAddresses = proxies;
  const others: string[] = [];
  if (rng.chance(0.15)) others.push(`${name.local}.home@mail.example`);
  // Duplicates in another case, and the primary address itself: the alias rule must de-duplicate and drop them.
  if (proxies.length > 1 && rng.chance(0.3)) others.push(proxies[1]!.slice(5).toUpperCase());
  if (mail && rng.chance(0.03)) others.push(mail.toUpperCase());
  if (others.length) user.otherMails = others;
  fillWork(user, rng, ctx, mailDomain);
}

/** An invited B2B user: UPN alex_fabrikam.example#EXT#@contoso.example, userType Guest (a few external Members). */
function fillGuest(user: GraphObject, rng: Random, ctx: DirectoryContext, name: Name, serial: number): void {
  const home = rng.pick(GUEST_DOMAINS);
  const email = `${name.local}@${home}`;
  user.displayName = rng.chance(0.3) ? `${name.given} ${name.surname} (${home.split('.')[0]})` : `${name.given} ${name.surname}`;
  user.givenName = rng.chance(0.7) ? name.given : null;
  user.surname = user.givenName ? name.surname : null;
  user.userPrincipalName = `${email.replace('@', '_')}#EXT#@${rng.chance(0.8) ? ctx.defaultDomain : ctx.initialDomain}`;
  user.mail = rng.chance(0.9) ? (rng.chance(0.3) ? `${name.cased}@${home[0]!.toUpperCase()}${home.slice(1)}` : email) : null;
  user.proxyAddresses = user.mail ? [`SMTP:${user.mail}`] : (NONE as string[]);
  user.otherMails = rng.chance(0.85) ? [email] : (NONE as string[]);
  user.userType = serial % 6 === 5 ? 'Member' : 'Guest';
  user.externalUserState = rng.chance(0.75) ? 'Accepted' : 'PendingAcceptance';
  user.creationType = 'Invitation';
  user.accountEnabled = true;
  user.preferredLanguage = rng.chance(0.3) ? 'en-US' : null;
  if (rng.chance(0.2)) user.companyName = home.split('.')[0]!.replace(/^./, (c) => c.toUpperCase());
}

/** Concealed identities: 32 upper-case hex characters as displayName, UPN local part, or both (three variants in turn). */
function fillConcealed(user: GraphObject, rng: Random, ctx: DirectoryContext, name: Name, serial: number): void {
  const variant = serial % 3;
  fillMember(user, rng, ctx, name, variant === 1);
  if (variant !== 2) user.displayName = rng.upperHex(32);
  if (variant !== 1) {
    user.userPrincipalName = `${rng.upperHex(32)}@${ctx.defaultDomain}`;
    user.mail = null;
    user.proxyAddresses = NONE as string[];
  }
  if (variant === 0) {
    user.givenName = null;
    user.surname = null;
  }
  user.userType = 'Member';
}

/** `n` users, the special kinds spread evenly through the list. Each gets a fresh GUID from `rng`. */
export function generateUsers(rng: Random, ctx: DirectoryContext, n: number, guestFraction: number): GraphObject[] {
  const kinds = placeKinds(rng, n, specialCounts(n, guestFraction));
  const offset = rng.int(GIVEN.length * SURNAMES.length);
  const users: GraphObject[] = new Array(n);
  const serial = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    const user = blankUser(rng.guid());
    const kind = kinds[i]!;
    const name = nameOf(i, offset);
    const k = serial[kind]!++;
    if (kind === KIND_GUEST) fillGuest(user, rng, ctx, name, k);
    else if (kind === KIND_CONCEALED) fillConcealed(user, rng, ctx, name, k);
    else fillMember(user, rng, ctx, name, kind !== KIND_NO_MAIL && rng.chance(0.97));
    user.createdDateTime = kind === KIND_NULL_CREATED ? null : createdAt(rng, ctx);
    if (kind === KIND_NULL_TYPE) user.userType = null;
    users[i] = user;
  }
  return users;
}

/** A brand-new member (for mutations): `suffix` keeps its addresses unique, e.g. ".n17". */
export function createMember(rng: Random, ctx: DirectoryContext, suffix: string): GraphObject {
  const user = blankUser(rng.guid());
  fillMember(user, rng, ctx, nameOf(rng.int(GIVEN.length * SURNAMES.length), 0, suffix), true);
  user.createdDateTime = isoTicks(ctx.nowMs, rng.int(10_000_000));
  return user;
}
