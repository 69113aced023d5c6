// The connector's error type: what the user reads, what kind of failure it is, and what stays internal.
import type { ErrorTrace, FailureType } from './protocol.js';

/**
 * An error whose `message` is written for the person who must act (what failed, why, what to do).
 * `internal` carries detail for the logs (never secrets).
 */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly failureType: FailureType,
    readonly internal?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

export const configError = (message: string, internal?: string): ConnectorError => new ConnectorError(message, 'config_error', internal);

/** Anything that is not a ConnectorError is a bug in the connector: a system_error. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const internal = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ConnectorError(
    'The connector hit an unexpected internal error. Please report it with the logs of this sync.',
    'system_error',
    internal,
    { cause: error },
  );
}

/**
 * The ERROR trace body for anything caught: the user's message, the internal detail, and a stack
 * trace only for a bug (system_error), never as the message.
 */
export function errorTraceBody(caught: unknown, stream?: string): ErrorTrace {
  const error = asConnectorError(caught);
  return {
    message: error.message,
    internal_message: error.internal ?? error.message,
    ...(error.failureType === 'system_error' && caught instanceof Error && caught.stack ? { stack_trace: caught.stack } : {}),
    failure_type: error.failureType,
    ...(stream ? { stream_descriptor: { name: stream } } : {}),
  };
}
