// The app's credential as msal-node takes it: the client secret, or a certificate checked locally before any request.
// Certificate credentials: https://learn.microsoft.com/entra/identity-platform/certificate-credentials
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { CERTIFICATES_PATH } from './admin-center.js';
import { configError } from './errors.js';
import type { SourceConfig } from './generated/spec.js';
import { registerSecret } from './secrets.js';

export interface CertificateCredential {
  /** Upper-case hex SHA-256 thumbprint of the DER certificate: msal-node 7 then signs PS256 with an x5t#S256 header. */
  thumbprintSha256: string;
  /** Unencrypted PKCS#8 PEM (msal signs with it as a string, so an encrypted key is decrypted here). */
  privateKey: string;
  /** The certificate PEM (chain), sent as the x5c header when send_x5c is on. */
  x5c?: string;
}

/** What msal-node is configured with; a certificate also brings its SHA-1 thumbprint for error messages. */
export type ClientCredential = { clientSecret: string } | { clientCertificate: CertificateCredential; thumbprint: string };

/** Facts about the certificate that error messages may show (all public). */
interface CertificateFacts {
  /** Upper-case hex SHA-1 thumbprint, as the Entra admin center lists it under Certificates & secrets. */
  thumbprint: string;
  notAfter: Date;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * PEM text as people paste it: Windows line ends, "\n" typed as two characters, or a block flattened
 * onto one line by a single-line input (the base64 body is then re-wrapped; headers such as
 * Proc-Type cannot be recovered from one line, so such a block is left as it is).
 */
export function normalizePem(text: string): string {
  const unified = text
    .replace(/\\r\\n|\\n/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
  return unified.replace(PEM_BLOCK, (block, label: string, body: string) => {
    if (body.includes(':')) return block;
    const base64 = body.replace(/\s+/g, '');
    return `-----BEGIN ${label}-----\n${base64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----`;
  });
}

function labels(pem: string): string[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => m[1]!);
}

function parseCertificate(pem: string): X509Certificate {
  const found = labels(pem);
  if (!found.includes('CERTIFICATE')) {
    throw configError(
      found.some((l) => l.endsWith('PRIVATE KEY'))
        ? 'credentials.certificate holds a private key, not a certificate. Paste the certificate (the block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----) into credentials.certificate and the private key into credentials.private_key.'
        : `credentials.certificate is not a PEM certificate: no block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE----- was found. Paste the whole .pem/.crt file (a .cer in DER form converts with "openssl x509 -inform der -in app.cer -out app.pem"; a .pfx with "openssl pkcs12 -in app.pfx -clcerts -nokeys").`,
    );
  }
  try {
    // The first certificate is the app's; any others are its chain (sent only in x5c).
    return new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
  } catch {
    throw configError(
      "credentials.certificate has a -----BEGIN CERTIFICATE----- block that does not parse (it may have been cut or altered when copied). Paste the certificate file's full content again.",
    );
  }
}

const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;

function parsePrivateKey(pem: string, passphrase: string | undefined): KeyObject {
  const found = labels(pem);
  if (!found.some((l) => l.endsWith('PRIVATE KEY'))) {
    throw configError(
      found.includes('CERTIFICATE')
        ? 'credentials.private_key holds a certificate, not a private key. Paste the private key (the block from -----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY----- to its END line) into credentials.private_key and the certificate into credentials.certificate.'
        : 'credentials.private_key is not a PEM private key: no block from -----BEGIN ... PRIVATE KEY----- to -----END ... PRIVATE KEY----- was found. Paste the whole key file (from a .pfx: "openssl pkcs12 -in app.pfx -nocerts -nodes").',
    );
  }
  const encrypted = ENCRYPTED.test(pem);
  if (encrypted && !passphrase) {
    throw configError(
      'credentials.private_key is encrypted, but credentials.private_key_passphrase is empty. Enter the passphrase the key was exported with, or paste an unencrypted key.',
    );
  }
  try {
    return createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase } : { key: pem, format: 'pem' });
  } catch {
    throw configError(
      encrypted
        ? 'credentials.private_key_passphrase does not decrypt credentials.private_key (wrong passphrase). Enter the passphrase the key was exported with.'
        : "credentials.private_key has a private key block that does not parse (it may have been cut or altered when copied). Paste the key file's full content again.",
    );
  }
}

/**
 * Everything that can be known wrong about a certificate credential without asking Entra ID: each
 * failure is a config error naming the field, and none shows key material.
 */
export function certificateCredential(
  options: { certificate: string; private_key: string; private_key_passphrase?: string; send_x5c?: boolean },
  now: Date = new Date(),
): CertificateCredential & CertificateFacts {
  const certificatePem = normalizePem(options.certificate);
  const keyPem = normalizePem(options.private_key);
  registerSecret(keyPem);
  const certificate = parseCertificate(certificatePem);
  const key = parsePrivateKey(keyPem, options.private_key_passphrase || undefined);
  if (key.asymmetricKeyType !== 'rsa') {
    throw configError(
      `credentials.private_key is ${key.asymmetricKeyType === undefined ? 'not an asymmetric' : `an ${key.asymmetricKeyType.toUpperCase()}`} key; Microsoft Entra ID certificate credentials need an RSA key (2048 bits or more). Create an RSA certificate, upload it under ${CERTIFICATES_PATH} and paste it with its key.`,
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw configError(
      "credentials.private_key does not belong to credentials.certificate (the public key in the certificate differs from the private key's). Paste the private key that was created together with this certificate.",
    );
  }
  const thumbprint = certificate.fingerprint.replace(/:/g, '');
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  if (notAfter.getTime() <= now.getTime()) {
    throw configError(
      `credentials.certificate (thumbprint ${thumbprint}) expired on ${notAfter.toISOString()}. Create a new certificate, upload it under ${CERTIFICATES_PATH}, and paste it and its private key here.`,
    );
  }
  if (notBefore.getTime() > now.getTime()) {
    throw configError(
      `credentials.certificate (thumbprint ${thumbprint}) is not valid before ${notBefore.toISOString()}. Use a certificate that is valid now, or check the clock of the machine that runs the connector.`,
    );
  }
  // Decrypted once here: msal-node signs with a PEM string and cannot take a passphrase.
  const privateKey = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  registerSecret(privateKey);
  return {
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
    privateKey,
    ...(options.send_x5c ? { x5c: certificatePem } : {}),
    thumbprint,
    notAfter,
  };
}

/** The credential msal-node is configured with, checked before the connector sends anything. */
export function clientCredential(credentials: SourceConfig['credentials'], now?: Date): ClientCredential {
  if (credentials.auth_type === 'certificate') {
    const { thumbprintSha256, privateKey, x5c, thumbprint } = certificateCredential(credentials, now);
    return { clientCertificate: { thumbprintSha256, privateKey, ...(x5c ? { x5c } : {}) }, thumbprint };
  }
  return { clientSecret: credentials.client_secret };
}
