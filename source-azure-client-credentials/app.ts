// The connector as a function: argv in, protocol messages out, exit code back.
// spec is part of the entry; every other command is imported when it runs (launch/), so spec and discover never load
// the network stack (msal-node, got, hpagent, proxy-from-env), the larger part of a cold start (issue 18).
import { type Invocation, parseInvocation } from './cli.js';
import { spec } from './commands/spec.js';
import { errorTraceBody } from './errors.js';
import { createLogger } from './logger.js';
import { errorTrace, MessageWriter } from './protocol.js';
import { redact } from './secrets.js';

async function dispatch(invocation: Invocation, writer: MessageWriter): Promise<number> {
  const log = createLogger(writer, invocation.debug);
  switch (invocation.command) {
    case 'spec':
      return spec(writer);
    case 'check':
      return (await import('./launch/check.js')).launchCheck(invocation, writer, log);
    case 'discover':
      return (await import('./launch/discover.js')).launchDiscover(invocation, writer);
    case 'read':
      return (await import('./launch/read.js')).launchRead(invocation, writer, log);
  }
}

/** Runs one command; never throws. Failures become an ERROR trace and a non-zero exit code. */
export async function run(args: string[], writer = new MessageWriter()): Promise<number> {
  writer.setRedactor(redact);
  let code: number;
  try {
    code = await dispatch(parseInvocation(args), writer);
  } catch (caught) {
    await writer.emit(errorTrace(errorTraceBody(caught)));
    code = 1;
  }
  await writer.flush();
  return code;
}
