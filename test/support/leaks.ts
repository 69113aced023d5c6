// Leak checks for integration runs: the client secret, the client certificate's private key and every access token must never be printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Emulator } from '../emulator/index.js';
import { fixture } from '../emulator/state.js';
import type { RunResult } from './connector.js';

/** A JWT (header.payload.signature, base64url, header starting with {"): no access token may appear, whoever issued it. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** The body lines of a PEM private key: a key printed in pieces is still a leak. */
function pemLines(pem: string): string[] {
  return pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

/** The emulator's client certificate key (the connector may never need it; if it ever prints it, that is a leak all the same). */
const CLIENT_KEY_LINES = pemLines(readFileSync(fixture('client-key.pem'), 'utf8'));

/** A value in every form it could take in a line: as is, JSON-escaped, URL-encoded (a logged form body). */
function forms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

/**
 * Everything that must never be printed in a run against `emulator`: its client secret, its client
 * certificate's private key, every access token it issued so far, plus `extra` (e.g. a fake secret of a
 * config-only run). Call it after the run, so that tokens issued during the run are included.
 */
export function forbiddenStrings(emulator?: Emulator, extra: string[] = []): string[] {
  const values = [...extra, ...CLIENT_KEY_LINES];
  if (emulator) values.push(emulator.credentials.clientSecret, ...emulator.issuedTokens());
  return values.filter((v) => v.length >= 8).flatMap(forms);
}

/** Fails when stdout or stderr holds a forbidden value or anything shaped like a JWT. */
export function assertNoLeaks(result: Pick<RunResult, 'stdout' | 'stderr'>, forbidden: string[], label = 'run'): void {
  for (const [name, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    for (const value of forbidden) {
      if (text.includes(value))
        assert.fail(`${label}: ${name} contains a secret or token (${value.length} characters starting "${value.slice(0, 4)}...")`);
    }
    const jwt = JWT.exec(text);
    if (jwt) assert.fail(`${label}: ${name} contains something shaped like an access token (JWT) at offset ${jwt.index}`);
  }
}

/** assertNoLeaks for a run against the emulator, plus the emulator's own check that no Graph endpoint ever received the secret. */
export function assertRunLeaksNothing(result: RunResult, emulator: Emulator, label?: string): void {
  assertNoLeaks(result, forbiddenStrings(emulator), label);
  assert.equal(emulator.metrics().secretSeenByGraph, false, `${label ?? 'run'}: a Graph endpoint received the client secret`);
}
