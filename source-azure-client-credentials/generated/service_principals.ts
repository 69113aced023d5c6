// Generated from schemas/service_principals.json by `npm run gen`: do not edit by hand.

export interface ServicePrincipalsRecord {
  id?: string;
  [k: string]: unknown;
}
