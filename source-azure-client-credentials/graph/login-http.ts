// The login host's HTTP client (msal's network module sends through it): the shared transport, retries as the error table says for the login host, a DEBUG line per request.
import { performance } from 'node:perf_hooks';
import type { Got, Options } from 'got';
import type { Logger } from '../logger.js';
import type { RetryPolicy } from './retry.js';
import { retryDelay, retryOptions } from './retry-hook.js';
import { displayRequest } from './urls.js';

/** Per-request state of a login-host request, carried in got's context (a nested object survives got's option merges). */
interface LoginState {
  waitedMs: number;
  startedAt: number;
}

const loginStateOf = (options: Pick<Options, 'context'>): LoginState =>
  ((options.context as { login?: LoginState }).login ??= { waitedMs: 0, startedAt: performance.now() });

/** The got instance for the login host: an answer with any status is handed to msal; the table decides what is retried first. */
export function createLoginHttp(transport: Got, policy: RetryPolicy, log: Logger): Got {
  return transport.extend({
    throwHttpErrors: false,
    responseType: 'text',
    retry: retryOptions(({ error, attemptCount }) => retryDelay(error, attemptCount, loginStateOf(error.options), policy, 'login').delayMs),
    hooks: {
      beforeRequest: [
        (options) => {
          loginStateOf(options).startedAt = performance.now();
        },
      ],
      afterResponse: [
        (response) => {
          const { startedAt } = loginStateOf(response.request.options);
          // The tenant in the path is marked secret in the spec; the body (secret, token) is never logged.
          const path = displayRequest(response.request.options.method, response.url).replace(/^(\w+ )\/[^/?]+/, '$1/<tenant>');
          log.debug(`login ${path} ${response.statusCode} ${Math.round(performance.now() - startedAt)} ms`);
          return response;
        },
      ],
    },
  });
}
