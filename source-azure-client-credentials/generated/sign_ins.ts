// Generated from schemas/sign_ins.json by `npm run gen`: do not edit by hand.

export interface SignInsRecord {
  id?: string;
  [k: string]: unknown;
}
