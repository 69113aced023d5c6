// Which login host, Graph root and token scope a cloud uses, with the test-only environment overrides.
// Hosts per cloud: https://learn.microsoft.com/graph/deployments#microsoft-graph-and-graph-explorer-service-root-endpoints
import { configError } from './errors.js';

export type Cloud = 'global' | 'us_government_l4' | 'us_government_l5' | 'china';

export interface Endpoints {
  /** e.g. https://login.microsoftonline.com (no trailing slash) */
  authorityHost: string;
  /** e.g. https://graph.microsoft.com (no trailing slash, no version) */
  graphRoot: string;
  /** The client-credentials scope: always the cloud's own Graph root + /.default. */
  scope: string;
}

export const CLOUDS: Record<Cloud, { authorityHost: string; graphRoot: string }> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphRoot: 'https://graph.microsoft.com' },
  us_government_l4: { authorityHost: 'https://login.microsoftonline.us', graphRoot: 'https://graph.microsoft.us' },
  us_government_l5: { authorityHost: 'https://login.microsoftonline.us', graphRoot: 'https://dod-graph.microsoft.us' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphRoot: 'https://microsoftgraph.chinacloudapi.cn' },
};

function httpsOrigin(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`The environment variable ${variable} is not a URL. Unset it to use the cloud's own host.`);
  }
  if (url.protocol !== 'https:') {
    throw configError(
      `The environment variable ${variable} must be an https URL; the connector never sends credentials or tokens over plain HTTP.`,
    );
  }
  return url.origin;
}

/**
 * Endpoints come from the cloud chosen in the config; only the environment (AZURE_AUTHORITY_HOST,
 * the variable Azure SDKs use, and AZURE_GRAPH_ENDPOINT) can point them elsewhere, for tests
 * against the local emulator. No connection config can send the secret to another host.
 * The scope stays the cloud's real Graph root, as a real token request needs.
 */
export function resolveEndpoints(cloud: Cloud, env: NodeJS.ProcessEnv = process.env): Endpoints {
  const base = CLOUDS[cloud];
  const authorityHost = env.AZURE_AUTHORITY_HOST ? httpsOrigin('AZURE_AUTHORITY_HOST', env.AZURE_AUTHORITY_HOST) : base.authorityHost;
  const graphRoot = env.AZURE_GRAPH_ENDPOINT ? httpsOrigin('AZURE_GRAPH_ENDPOINT', env.AZURE_GRAPH_ENDPOINT) : base.graphRoot;
  return { authorityHost, graphRoot, scope: `${base.graphRoot}/.default` };
}
