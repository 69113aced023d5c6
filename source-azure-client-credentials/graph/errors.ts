// GraphRequestError: a failure already classified by the error policy, and the converters from got and msal errors to it.
import { ConnectorError } from '../errors.js';
import { shorten } from '../values.js';
import { type Action, decide, type MessageContext, type Outcome, RESOURCE_NOT_SERVED } from './error-policy.js';
import type { GraphError } from './types.js';

export class GraphRequestError extends ConnectorError implements GraphError {
  constructor(
    message: string,
    failureType: ConnectorError['failureType'],
    internal: string,
    readonly status: number | undefined,
    readonly code: string | undefined,
    readonly path: string | undefined,
    /** What the policy says to do with it (a caller may skip a 'skip'). */
    readonly action: Action,
    /** The policy row that decided, for logs and tests. */
    readonly row: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(message, failureType, internal, options);
    this.name = 'GraphRequestError';
    this.detail = options?.detail;
  }
  /** Graph's own explanation (first sentence of its error message), when it gave one. */
  readonly detail: string | undefined;
}

/**
 * True when the policy table's row `rowId` decides `error`: callers branch on rows (the table is the one place
 * that knows Graph's error codes), never on codes of their own. The client's errors carry the row that decided
 * them; any other error with an HTTP status (a GraphError made elsewhere) is judged by the table on its status and code.
 */
export function matchesRow(error: unknown, rowId: string): boolean {
  if (error instanceof GraphRequestError) return error.row === rowId;
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  if (typeof status !== 'number') return false;
  return decide({ kind: 'http', status, code: typeof code === 'string' ? code : undefined }).row === rowId;
}

/** True when a failed request's answer says the resource does not exist in this Graph deployment (see RESOURCE_NOT_SERVED). */
export function isResourceNotServed(error: unknown): boolean {
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  return typeof status === 'number' && RESOURCE_NOT_SERVED({ kind: 'http', status, code: typeof code === 'string' ? code : undefined });
}

/** Classifies an outcome with the policy table and wraps it as a GraphRequestError. */
export function graphError(outcome: Outcome, context: MessageContext, cause?: unknown): GraphRequestError {
  const decision = decide(outcome, context);
  const internal = [
    `policy row ${decision.row}`,
    context.request,
    context.status !== undefined ? `HTTP ${context.status}` : undefined,
    context.code,
    context.detail,
    context.attempts !== undefined ? `${context.attempts} attempt(s)` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const path = context.request?.replace(/^[A-Z]+ /, '');
  return new GraphRequestError(
    decision.message,
    decision.failureType,
    internal,
    context.status,
    context.code,
    path,
    decision.action,
    decision.row,
    {
      cause,
      ...(context.detail !== undefined ? { detail: context.detail } : {}),
    },
  );
}

/** A Graph error body's code and first sentence of message: {"error":{"code","message"}}. */
export function graphErrorBody(body: unknown): { code?: string; detail?: string; requestId?: string } {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return {};
    }
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | undefined)?.error;
  if (!error || typeof error !== 'object') return {};
  const requestId = error.innerError?.['request-id'];
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    detail: typeof error.message === 'string' ? firstSentence(error.message) : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
  };
}

export function firstSentence(text: string): string {
  return shorten(text.split(/\r?\n/, 1)[0] ?? '', 300);
}

/** got's error code for a failure without a usable HTTP answer (timeouts are ETIMEDOUT). */
export function networkCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  // got wraps socket errors as ERR_GOT_REQUEST_ERROR with the socket's code on the cause.
  if (code === 'ERR_GOT_REQUEST_ERROR' && typeof e?.cause?.code === 'string') return e.cause.code;
  return code;
}
