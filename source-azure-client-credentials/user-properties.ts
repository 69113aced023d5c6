// Microsoft Graph v1.0's user properties for additional_user_properties: names and metadata types, what $select cannot read, directory extension names, and the JSON schema of each.
// Written from the v1.0 metadata (microsoftgraph/msgraph-metadata clean_v10_metadata, as ../shared/reference/graph-properties.txt
// lists the user entity); test/streams/user-properties.test.ts holds both lists to that file.
import { configError } from './errors.js';
import { quoted } from './values.js';

/** Every structural property of the v1.0 user (id and deletedDateTime inherited from directoryObject): name -> metadata type. */
export const USER_PROPERTY_TYPES: Readonly<Record<string, string>> = Object.freeze({
  id: 'String',
  deletedDateTime: 'DateTimeOffset',
  aboutMe: 'String',
  accountEnabled: 'Boolean',
  ageGroup: 'String',
  assignedLicenses: 'Collection(assignedLicense)',
  assignedPlans: 'Collection(assignedPlan)',
  authorizationInfo: 'authorizationInfo',
  birthday: 'DateTimeOffset',
  businessPhones: 'Collection(String)',
  city: 'String',
  companyName: 'String',
  consentProvidedForMinor: 'String',
  country: 'String',
  createdDateTime: 'DateTimeOffset',
  creationType: 'String',
  customSecurityAttributes: 'customSecurityAttributeValue',
  department: 'String',
  deviceEnrollmentLimit: 'Int32',
  displayName: 'String',
  employeeHireDate: 'DateTimeOffset',
  employeeId: 'String',
  employeeLeaveDateTime: 'DateTimeOffset',
  employeeOrgData: 'employeeOrgData',
  employeeType: 'String',
  externalUserState: 'String',
  externalUserStateChangeDateTime: 'DateTimeOffset',
  faxNumber: 'String',
  givenName: 'String',
  hireDate: 'DateTimeOffset',
  identities: 'Collection(objectIdentity)',
  identityParentId: 'String',
  imAddresses: 'Collection(String)',
  interests: 'Collection(String)',
  isManagementRestricted: 'Boolean',
  isResourceAccount: 'Boolean',
  jobTitle: 'String',
  lastPasswordChangeDateTime: 'DateTimeOffset',
  legalAgeGroupClassification: 'String',
  licenseAssignmentStates: 'Collection(licenseAssignmentState)',
  mail: 'String',
  mailboxSettings: 'mailboxSettings',
  mailNickname: 'String',
  mobilePhone: 'String',
  mySite: 'String',
  officeLocation: 'String',
  onPremisesDistinguishedName: 'String',
  onPremisesDomainName: 'String',
  onPremisesExtensionAttributes: 'onPremisesExtensionAttributes',
  onPremisesImmutableId: 'String',
  onPremisesLastSyncDateTime: 'DateTimeOffset',
  onPremisesProvisioningErrors: 'Collection(onPremisesProvisioningError)',
  onPremisesSamAccountName: 'String',
  onPremisesSecurityIdentifier: 'String',
  onPremisesSyncEnabled: 'Boolean',
  onPremisesUserPrincipalName: 'String',
  otherMails: 'Collection(String)',
  passwordPolicies: 'String',
  passwordProfile: 'passwordProfile',
  pastProjects: 'Collection(String)',
  postalCode: 'String',
  preferredDataLocation: 'String',
  preferredLanguage: 'String',
  preferredName: 'String',
  print: 'userPrint',
  provisionedPlans: 'Collection(provisionedPlan)',
  proxyAddresses: 'Collection(String)',
  responsibilities: 'Collection(String)',
  schools: 'Collection(String)',
  securityIdentifier: 'String',
  serviceProvisioningErrors: 'Collection(serviceProvisioningError)',
  showInAddressList: 'Boolean',
  signInActivity: 'signInActivity',
  signInSessionsValidFromDateTime: 'DateTimeOffset',
  skills: 'Collection(String)',
  state: 'String',
  streetAddress: 'String',
  surname: 'String',
  usageLocation: 'String',
  userPrincipalName: 'String',
  userType: 'String',
});

/** The user's navigation properties (relationships to other objects): $select cannot read them. */
export const USER_RELATIONSHIPS: readonly string[] = Object.freeze([
  'activities',
  'adhocCalls',
  'agreementAcceptances',
  'appRoleAssignments',
  'authentication',
  'calendar',
  'calendarGroups',
  'calendars',
  'calendarView',
  'chats',
  'cloudClipboard',
  'cloudPCs',
  'contactFolders',
  'contacts',
  'createdObjects',
  'dataSecurityAndGovernance',
  'deviceManagementTroubleshootingEvents',
  'directReports',
  'drive',
  'drives',
  'employeeExperience',
  'events',
  'extensions',
  'followedSites',
  'inferenceClassification',
  'insights',
  'joinedTeams',
  'licenseDetails',
  'mailFolders',
  'managedAppRegistrations',
  'managedDevices',
  'manager',
  'memberOf',
  'messages',
  'oauth2PermissionGrants',
  'onenote',
  'onlineMeetings',
  'onPremisesSyncBehavior',
  'outlook',
  'ownedDevices',
  'ownedObjects',
  'people',
  'permissionGrants',
  'photo',
  'photos',
  'planner',
  'presence',
  'registeredDevices',
  'scopedRoleMemberOf',
  'settings',
  'solutions',
  'sponsorOf',
  'sponsors',
  'teamwork',
  'todo',
  'transitiveMemberOf',
]);

/**
 * Properties that GET /users cannot list: Graph answers 501 Not Implemented when a list selects them (they live outside
 * Microsoft Entra ID and are read one user at a time). https://learn.microsoft.com/graph/api/user-list#optional-query-parameters
 */
export const NOT_LISTABLE: readonly string[] = Object.freeze([
  'aboutMe',
  'birthday',
  'hireDate',
  'interests',
  'mySite',
  'pastProjects',
  'preferredName',
  'responsibilities',
  'schools',
  'skills',
  'mailboxSettings',
]);

/**
 * Properties Graph returns only to an app that holds one more application permission than User.Read.All
 * (https://learn.microsoft.com/graph/api/resources/user#properties).
 */
export const PROPERTY_PERMISSIONS: Readonly<Record<string, string[][]>> = Object.freeze({
  employeeLeaveDateTime: [['User-LifeCycleInfo.Read.All']],
  customSecurityAttributes: [['CustomSecAttributeAssignment.Read.All']],
});

/**
 * A directory extension attribute: extension_<the owning application's appId without hyphens>_<name>
 * (https://learn.microsoft.com/graph/extensibility-overview#directory-microsoft-entra-id-extensions).
 */
export const DIRECTORY_EXTENSION = /^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i;

/** A property the users stream reads on request: its record key, and its metadata type (absent for a directory extension, whose type is its own). */
export interface UserProperty {
  name: string;
  type?: string;
}

const CANONICAL = new Map(Object.keys(USER_PROPERTY_TYPES).map((name) => [name.toLowerCase(), name]));
const RELATIONSHIPS = new Map(USER_RELATIONSHIPS.map((name) => [name.toLowerCase(), name]));
const UNLISTABLE = new Set(NOT_LISTABLE.map((name) => name.toLowerCase()));

/** Why `name` cannot be an additional user property, or the property it names. */
function resolve(name: string): UserProperty | string {
  const key = name.toLowerCase();
  const known = CANONICAL.get(key);
  if (known === 'signInActivity')
    return 'is read through the option include_sign_in_activity, which also applies its licence, permission and rate limit: turn that on instead';
  if (known && UNLISTABLE.has(key))
    return 'cannot be listed: Microsoft Graph answers 501 Not Implemented when GET /users selects it (it lives outside Microsoft Entra ID and is read one user at a time)';
  if (known) return { name: known, type: USER_PROPERTY_TYPES[known] };
  const relationship = RELATIONSHIPS.get(key);
  if (relationship)
    return `is a relationship of the user, not a property, and $select cannot read it${relationship === 'manager' ? " (the manager's id is already in every users record, as managerId)" : ''}`;
  if (DIRECTORY_EXTENSION.test(name)) return { name };
  if (key.startsWith('extension_'))
    return `is not a directory extension name: write extension_<the application (client) ID without its hyphens>_<name>, e.g. extension_b7d8e6f1a2c34d5e9f0a1b2c3d4e5f6a_costCenter${name.includes('-') ? ' (this one has hyphens)' : ''}`;
  return 'is not a property of the Microsoft Graph v1.0 user (https://learn.microsoft.com/graph/api/resources/user); names are case-insensitive, and directory extensions are written extension_<appId without hyphens>_<name>';
}

/**
 * additional_user_properties checked before any request: each name must be a v1.0 user property that a list can
 * select, or a directory extension name. Returns them de-duplicated (case-insensitively), v1.0 properties in Graph's
 * spelling, extensions as written; throws a config error naming the first bad name.
 */
export function parseUserProperties(names: readonly string[]): UserProperty[] {
  const out = new Map<string, UserProperty>();
  for (const raw of names) {
    const name = raw.trim();
    if (!name)
      throw configError(
        'additional_user_properties: an entry is empty. Remove it, or write a user property name such as onPremisesSamAccountName.',
      );
    const property = resolve(name);
    if (typeof property === 'string') {
      throw configError(`additional_user_properties: ${quoted(name, 200)} ${property}. Fix or remove it.`);
    }
    if (!out.has(property.name.toLowerCase())) out.set(property.name.toLowerCase(), property);
  }
  return [...out.values()];
}

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: ['null', type], ...extra });

/** The JSON schema of one metadata type (every field nullable, timestamps with airbyte_type, complex types as open objects). */
function typeSchema(type: string): Record<string, unknown> {
  const collection = /^Collection\((.+)\)$/.exec(type);
  if (collection) {
    const item = typeSchema(collection[1]!);
    const itemType = Array.isArray(item.type) ? item.type[1] : item.type;
    return nullable('array', { items: { ...item, type: itemType } });
  }
  switch (type) {
    case 'String':
    case 'Guid':
      return nullable('string');
    case 'Boolean':
      return nullable('boolean');
    case 'Int32':
    case 'Int64':
      return nullable('integer');
    case 'DateTimeOffset':
      return nullable('string', { format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
    default:
      return nullable('object', { additionalProperties: true });
  }
}

/** The column of `property` in the users schema. */
export function userPropertySchema(property: UserProperty): Record<string, unknown> {
  if (property.type === undefined) {
    return {
      type: ['null', 'string', 'integer', 'boolean', 'array'],
      items: { type: ['string', 'integer', 'boolean'] },
      description:
        "From additional_user_properties: a directory extension attribute. Its type is the extension's own (string, integer, boolean, a date-time as a string, binary as base64, or an array of them when multi-valued), known only once read; null when the user has no value.",
    };
  }
  return {
    ...typeSchema(property.type),
    description: `From additional_user_properties: the Microsoft Graph user property ${property.name} (${property.type}); null when Graph returns no value.`,
  };
}
