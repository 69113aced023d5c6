// Generated from schemas/spec.json by `npm run gen`: do not edit by hand.

/**
 * The Directory (tenant) ID shown on the app registration's Overview page in the Entra admin center, or one of the tenant's verified domains such as contoso.onmicrosoft.com. It is not a credential, but it is marked secret (Airbyte's acceptance tests expect a field of this name to be), so Airbyte masks it and the connector never prints it.
 */
export type DirectoryTenantID = string;
/**
 * The Application (client) ID of the app registration (Entra admin center > App registrations > your app > Overview).
 */
export type ApplicationClientID = string;
/**
 * How the connector proves it is the application: a client secret, or a certificate uploaded to the app registration (Certificates & secrets). Organizations that forbid client secrets use the certificate.
 */
export type Credentials = ClientSecret | Certificate;
/**
 * The secret's Value (not its Secret ID), copied when the secret was created under App registrations > your app > Certificates & secrets.
 */
export type ClientSecretValue = string;
/**
 * The app's certificate in PEM form, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- (a chain may follow; the first certificate is the app's). Its public part must be uploaded under App registrations > your app > Certificates & secrets > Certificates. The connector checks before any request that it parses, matches the private key and is within its validity dates.
 */
export type CertificatePEM = string;
/**
 * The certificate's RSA private key in PEM form (-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----). From a .pfx file: openssl pkcs12 -in app.pfx -nocerts -nodes. It is used only to sign the token request and never leaves the connector.
 */
export type PrivateKeyPEM = string;
/**
 * The passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY, or Proc-Type: 4,ENCRYPTED). Leave empty when the key is not encrypted.
 */
export type PrivateKeyPassphrase = string;
/**
 * Sends the certificate (x5c header) with each token request. Needed only for subject name and issuer authentication, where the app trusts a certificate by its subject and issuer instead of an uploaded certificate. Leave off otherwise.
 */
export type SendCertificateChainX5C = boolean;
/**
 * When on, the users stream also returns guest users (userType Guest). Members and users with no userType are always returned.
 */
export type IncludeGuests = boolean;
/**
 * E-mail domains, as a comma-separated list (contoso.com, contoso.co.uk) or as a JSON array of strings (["contoso.com", "contoso.co.uk"]). When set, the users stream keeps only users whose mail or user principal name is in one of these domains (case-insensitive; spaces, empty entries and a leading @ are ignored). Leave empty to keep every domain.
 */
export type DomainNames = string;
/**
 * UTC date-time from which the first sync of sign_ins and directory_audits reads. Defaults to 30 days ago. Graph keeps these logs for 30 days (P1/P2; the audit log 7 days without), so an older date is moved forward to the retention limit with a warning.
 */
export type SignInsStartDate = string;
/**
 * Advanced: Each incremental sync of sign_ins and directory_audits starts this many minutes before its saved cursor, to pick up events that Microsoft published late (usually within minutes, but Microsoft gives no upper bound). Re-read events are de-duplicated by id. The re-read costs about one log request per 1,000 events in the lookback, at least one per sync; raise it if events arrive later than that in your tenant.
 */
export type SignInsLookbackWindowMinutes = number;
/**
 * The Microsoft cloud the tenant is in; it selects the login host and the Microsoft Graph endpoint. Commercial tenants and US Government GCC tenants pick Global; GCC High, DoD and China (21Vianet) tenants pick their own cloud. Absent means Global.
 */
export type MicrosoftCloud =
  GlobalCommercialAndGCC | USGovernmentGCCHigh | USGovernmentDoD | ChinaOperatedBy21Vianet;
/**
 * Adds signInActivity (last sign-in times) to each user. Needs an Entra ID P1 or P2 licence and AuditLog.Read.All, and is read at 500 users per request under its own rate limit, so large rosters sync more slowly.
 */
export type IncludeLastSignInActivityOnUsers = boolean;
/**
 * Advanced: how many Graph requests may be in flight at once (a $batch of up to 20 counts as one). The connector also paces itself to Graph's throttling budget, so raising this rarely helps.
 */
export type MaximumConcurrentRequests = number;
/**
 * Advanced: combine up to 20 per-application and per-group requests into one Graph $batch request. Turn off only to diagnose a problem.
 */
export type UseJSONBatching = boolean;
/**
 * Advanced: Graph allows 5 requests per 10 seconds per app and tenant to the sign-in logs and the directory audit log together (one budget). Lower this when another tool shares the same app registration.
 */
export type SignInLogRequestsPer10Seconds = number;
/**
 * Which sign-ins the sign_ins stream reads. interactiveUser alone (the default) reads Graph v1.0, which returns interactive user sign-ins only. Adding nonInteractiveUser (token refreshes and single sign-on on a user's behalf), servicePrincipal (apps signing in with their own credentials) or managedIdentity (Azure managed identities) reads every selected type through Microsoft Graph beta, which Microsoft does not support for production use and may change without notice. Non-interactive sign-ins are often 10 to 100 times as many as interactive ones, and every 1,000 cost one request of the 5 per 10 seconds Graph allows for sign-in and audit logs, so syncs take that much longer. Changing the selection makes the next incremental sync start over from start_date (when types are added), with a warning.
 *
 * @minItems 1
 */
export type SignInEventTypes = [
  'interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity',
  ...('interactiveUser' | 'nonInteractiveUser' | 'servicePrincipal' | 'managedIdentity')[]
];
/**
 * Advanced: incremental users, service_principals, groups and applications read every object again (after the changes since the last sync) when their last full read is older than this many days, because Microsoft Graph's delta query may not report an object restored from the deleted items. A full read costs the requests of a first incremental sync. 0 never forces one (restored objects may then stay missing until the stream is refreshed).
 */
export type FullReReadOfIncrementalDirectoryStreamsDays = number;
/**
 * Advanced: more Microsoft Graph user properties for the users stream, by name (case-insensitive): any v1.0 user property that a list can return, such as onPremisesSamAccountName, onPremisesExtensionAttributes or employeeOrgData, and directory extension attributes written extension_<application (client) ID without hyphens>_<name>. Each becomes a column of users (null when a user has no value). Names are checked before any request; a property Graph cannot list (aboutMe, birthday, hireDate, interests, mySite, pastProjects, preferredName, responsibilities, schools, skills, mailboxSettings) or a relationship (manager, memberOf, ...) is refused. Changing the list makes incremental users read every user again.
 *
 * @maxItems 100
 */
export type AdditionalUserProperties = string[];

export interface SourceConfig {
  tenant_id: DirectoryTenantID;
  client_id: ApplicationClientID;
  credentials: Credentials;
  include_guests?: IncludeGuests;
  domain_names?: DomainNames;
  start_date?: SignInsStartDate;
  sign_in_lookback_minutes?: SignInsLookbackWindowMinutes;
  cloud?: MicrosoftCloud;
  include_sign_in_activity?: IncludeLastSignInActivityOnUsers;
  max_concurrent_requests?: MaximumConcurrentRequests;
  use_batch_requests?: UseJSONBatching;
  reports_requests_per_10_seconds?: SignInLogRequestsPer10Seconds;
  sign_in_event_types?: SignInEventTypes;
  delta_full_resync_days?: FullReReadOfIncrementalDirectoryStreamsDays;
  additional_user_properties?: AdditionalUserProperties;
  [k: string]: unknown;
}
/**
 * A client secret of the app registration (Certificates & secrets > Client secrets). The quickest to set up; it expires on the date chosen when it was created, and must then be replaced here.
 */
export interface ClientSecret {
  auth_type: 'client_secret';
  client_secret: ClientSecretValue;
  [k: string]: unknown;
}
/**
 * A certificate whose public part is uploaded to the app registration (Certificates & secrets > Certificates), with its private key. For organizations that forbid client secrets: the private key never leaves the connector, which signs each token request with it.
 */
export interface Certificate {
  auth_type: 'certificate';
  certificate: CertificatePEM;
  private_key: PrivateKeyPEM;
  private_key_passphrase?: PrivateKeyPassphrase;
  send_x5c?: SendCertificateChainX5C;
  [k: string]: unknown;
}
/**
 * Microsoft's worldwide cloud: commercial tenants, and US Government GCC (Government Community Cloud) tenants, which Microsoft serves from the worldwide endpoints. Login login.microsoftonline.com, Graph graph.microsoft.com.
 */
export interface GlobalCommercialAndGCC {
  cloud_type: 'global';
  [k: string]: unknown;
}
/**
 * Microsoft Cloud for US Government, impact level 4 (GCC High tenants). Login login.microsoftonline.us, Graph graph.microsoft.us.
 */
export interface USGovernmentGCCHigh {
  cloud_type: 'us_government_l4';
  [k: string]: unknown;
}
/**
 * Microsoft Cloud for US Government, impact level 5 (Department of Defense tenants). Login login.microsoftonline.us, Graph dod-graph.microsoft.us.
 */
export interface USGovernmentDoD {
  cloud_type: 'us_government_l5';
  [k: string]: unknown;
}
/**
 * Microsoft Azure and Microsoft 365 operated by 21Vianet in China. Login login.chinacloudapi.cn, Graph microsoftgraph.chinacloudapi.cn.
 */
export interface ChinaOperatedBy21Vianet {
  cloud_type: 'china';
  [k: string]: unknown;
}
