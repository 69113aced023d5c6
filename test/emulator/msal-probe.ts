// Child-process probe for the msal-node test: trusts the emulator only through NODE_EXTRA_CA_CERTS (read at start),
// acquires a token with a real ConfidentialClientApplication, pages through users with got, prints one JSON line.
import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication } from '@azure/msal-node';
import got from 'got';

const { PROBE_URL = '', PROBE_TENANT = '', PROBE_CLIENT_ID = '', PROBE_SECRET, PROBE_CERT, PROBE_KEY, PROBE_THUMBPRINT } = process.env;

async function main() {
  const host = new URL(PROBE_URL).host;
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: PROBE_CLIENT_ID,
      authority: `${PROBE_URL}/${PROBE_TENANT}`,
      knownAuthorities: [host],
      ...(PROBE_SECRET
        ? { clientSecret: PROBE_SECRET }
        : {
            clientCertificate: {
              thumbprintSha256: PROBE_THUMBPRINT!,
              privateKey: readFileSync(PROBE_KEY!, 'utf8'),
              x5c: readFileSync(PROBE_CERT!, 'utf8'),
            },
          }),
    },
  });
  const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
  const token = result!.accessToken;
  let next: string | undefined = `${PROBE_URL}/v1.0/users?$select=id&$top=999`;
  const ids: string[] = [];
  let pages = 0;
  while (next) {
    const page: any = await got(next, { headers: { authorization: `Bearer ${token}` }, retry: { limit: 0 } }).json();
    pages += 1;
    ids.push(...page.value.map((u: { id: string }) => u.id));
    next = page['@odata.nextLink'];
  }
  process.stdout.write(`${JSON.stringify({ ok: true, pages, ids })}\n`);
}

main().catch((error: any) => {
  process.stdout.write(
    `${JSON.stringify({ ok: false, errorCode: error?.errorCode, name: error?.name, message: String(error?.message ?? error).slice(0, 500) })}\n`,
  );
});
