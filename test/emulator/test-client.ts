// A minimal HTTPS client for the emulator's own tests (got, trusting the fixture CA explicitly; no retries).
import { readFileSync } from 'node:fs';
import got, { type Response } from 'got';
import { fixture } from './state.js';

const ca = readFileSync(fixture('ca.pem'));

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

const wrap = (r: Response<string>): Answer => {
  let body: unknown;
  try {
    body = JSON.parse(r.body);
  } catch {
    body = undefined;
  }
  return { status: r.statusCode, headers: r.headers, body, text: r.body };
};

const options = { https: { certificateAuthority: ca }, throwHttpErrors: false, retry: { limit: 0 }, followRedirect: false } as const;

export async function httpGet(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return wrap(await got(url, { ...options, headers }));
}

export async function httpPost(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  return wrap(await got.post(url, { ...options, headers, body }));
}

export function tokenForm(fields: Record<string, string>): string {
  return new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default', ...fields }).toString();
}

/** A token from the client-secret flow of the emulator at `url`. */
export async function fetchToken(url: string, tenant: string, clientId: string, clientSecret: string): Promise<string> {
  const answer = await httpPost(`${url}/${tenant}/oauth2/v2.0/token`, tokenForm({ client_id: clientId, client_secret: clientSecret }), {
    'content-type': 'application/x-www-form-urlencoded',
  });
  if (answer.status !== 200) throw new Error(`token request failed: ${answer.status} ${answer.text}`);
  return answer.body.access_token;
}

/** Follows @odata.nextLink verbatim from `url` and returns every page's body. */
export async function allPages(url: string, token: string): Promise<any[]> {
  const pages: any[] = [];
  let next: string | undefined = url;
  while (next) {
    const answer = await httpGet(next, { authorization: `Bearer ${token}` });
    if (answer.status !== 200) throw new Error(`GET ${next} -> ${answer.status} ${answer.text}`);
    pages.push(answer.body);
    next = answer.body['@odata.nextLink'];
    if (pages.length > 10_000) throw new Error('too many pages');
  }
  return pages;
}

/** An authenticated session against an emulator: GET and POST relative to its root. */
export async function graphSession(emulator: { url: string; credentials: { tenantId: string; clientId: string; clientSecret: string } }) {
  const c = emulator.credentials;
  const session = {
    token: await fetchToken(emulator.url, c.tenantId, c.clientId, c.clientSecret),
    get: (path: string) =>
      httpGet(path.startsWith('https:') ? path : `${emulator.url}${path}`, { authorization: `Bearer ${session.token}` }),
    post: (path: string, body: unknown) =>
      httpPost(`${emulator.url}${path}`, JSON.stringify(body), {
        authorization: `Bearer ${session.token}`,
        'content-type': 'application/json',
      }),
    /** Refreshes the token (after permissions change). */
    renew: async () => {
      session.token = await fetchToken(emulator.url, c.tenantId, c.clientId, c.clientSecret);
    },
  };
  return session;
}
