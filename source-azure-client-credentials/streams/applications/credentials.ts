// An app registration's credentials: passwordCredentials and keyCredentials metadata flattened into one list, and the next expiry.
// https://learn.microsoft.com/graph/api/resources/passwordcredential ; https://learn.microsoft.com/graph/api/resources/keycredential
import type { ApplicationsRecord } from '../../generated/applications.js';

export type Credential = NonNullable<ApplicationsRecord['credentials']>[number];

type Text = string | null | undefined;

/** A passwordCredential as Graph returns it: secretText is null on every read (it is returned once, by addPassword). */
export interface GraphPasswordCredential {
  keyId?: Text;
  displayName?: Text;
  startDateTime?: Text;
  endDateTime?: Text;
  hint?: Text;
}

/** A keyCredential as Graph returns it; `key` (the public certificate) is never copied into a record. */
export interface GraphKeyCredential {
  keyId?: Text;
  displayName?: Text;
  startDateTime?: Text;
  endDateTime?: Text;
  type?: Text;
  usage?: Text;
}

/** Passwords first, then keys, each in Graph's order; only the metadata fields of the record's schema. */
export function flattenCredentials(
  passwords: readonly GraphPasswordCredential[] | null | undefined,
  keys: readonly GraphKeyCredential[] | null | undefined,
): Credential[] {
  const common = (c: GraphPasswordCredential | GraphKeyCredential) => ({
    keyId: c.keyId ?? null,
    displayName: c.displayName ?? null,
    startDateTime: c.startDateTime ?? null,
    endDateTime: c.endDateTime ?? null,
  });
  return [
    ...(passwords ?? []).map((c): Credential => ({ type: 'password', ...common(c), hint: c.hint ?? null, keyType: null, keyUsage: null })),
    ...(keys ?? []).map(
      (c): Credential => ({ type: 'certificate', ...common(c), hint: null, keyType: c.type ?? null, keyUsage: c.usage ?? null }),
    ),
  ];
}

/**
 * The earliest endDateTime (as Graph wrote it) among the credentials still valid at `at` (epoch ms): those whose
 * endDateTime is later than `at`, to the millisecond. Null when none is (all expired, none at all, or no end date).
 */
export function nextCredentialExpiry(credentials: readonly Credential[], at: number): string | null {
  let next: { text: string; ms: number } | undefined;
  for (const { endDateTime } of credentials) {
    const ms = endDateTime ? Date.parse(endDateTime) : Number.NaN;
    if (Number.isNaN(ms) || ms <= at) continue;
    if (!next || ms < next.ms) next = { text: endDateTime!, ms };
  }
  return next?.text ?? null;
}
