// Types for proxy-from-env 2.x, which ships none: its one export (https://github.com/Rob--W/proxy-from-env#readme).
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from *_PROXY / ALL_PROXY and NO_PROXY in process.env, or '' to connect directly. */
  export function getProxyForUrl(url: string | URL): string;
}
