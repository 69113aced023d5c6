// Logging as Airbyte LOG messages through the one writer; DEBUG lines only when asked for.
import { type LogLevel, logMessage, type MessageWriter } from './protocol.js';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  readonly debugEnabled: boolean;
}

/**
 * Logs are fire-and-forget: they are rare next to records, and the writer's backpressure is
 * applied by the record path, which awaits every emit.
 */
export function createLogger(writer: MessageWriter, debugEnabled: boolean): Logger {
  const log = (level: LogLevel) => (message: string) => void writer.emit(logMessage(level, message));
  return {
    debug: debugEnabled ? log('DEBUG') : () => {},
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
    debugEnabled,
  };
}
