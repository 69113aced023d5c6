// Compact JWS (RS256 / PS256) signing and verification with node:crypto, for access tokens and client assertions.
import { constants, createHash, type KeyLike, sign, verify } from 'node:crypto';

export const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWT without checking anything; undefined when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (!header || typeof header !== 'object' || !payload || typeof payload !== 'object') return undefined;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return undefined;
  }
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyLike): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const options = header.alg === 'PS256' ? { key, ...PSS } : key;
  return `${input}.${sign('sha256', Buffer.from(input), options as KeyLike).toString('base64url')}`;
}

/** True when the signature is valid for the header's alg (only RS256 and PS256 are accepted, as Entra ID does). */
export function verifyJwtSignature(jwt: DecodedJwt, key: KeyLike): boolean {
  const alg = jwt.header.alg;
  if (alg !== 'RS256' && alg !== 'PS256') return false;
  // PS256 verifiers must accept any salt length the signer chose; RSA_PSS_SALTLEN_AUTO does.
  const options = alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO } : key;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), options as KeyLike, jwt.signature);
  } catch {
    return false;
  }
}

/** x5t (SHA-1) and x5t#S256 (SHA-256) thumbprints of a DER certificate, base64url as in JWT headers. */
export function thumbprints(der: Buffer): { sha1: string; sha256: string; sha1Hex: string; sha256Hex: string } {
  const sha1 = createHash('sha1').update(der).digest();
  const sha256 = createHash('sha256').update(der).digest();
  return {
    sha1: sha1.toString('base64url'),
    sha256: sha256.toString('base64url'),
    sha1Hex: sha1.toString('hex').toUpperCase(),
    sha256Hex: sha256.toString('hex').toUpperCase(),
  };
}
