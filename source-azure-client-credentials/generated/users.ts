// Generated from schemas/users.json by `npm run gen`: do not edit by hand.

export interface UsersRecord {
  id?: string;
  [k: string]: unknown;
}
