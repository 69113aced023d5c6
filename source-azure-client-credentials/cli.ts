// Command-line parsing exactly as Airbyte invokes a source: a command, then --config/--catalog/--state.
import { parseArgs } from 'node:util';
import { configError } from './errors.js';

type CommandName = 'spec' | 'check' | 'discover' | 'read';

export interface Invocation {
  command: CommandName;
  config?: string;
  catalog?: string;
  state?: string;
  debug: boolean;
}

const COMMANDS: readonly CommandName[] = ['spec', 'check', 'discover', 'read'];
const NEEDS: Record<CommandName, readonly ('config' | 'catalog')[]> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
};

/** Parses argv (without node and the script); unknown flags are tolerated, as Airbyte may add some. */
export function parseInvocation(args: string[]): Invocation {
  const { values, positionals } = parseArgs({
    args,
    strict: false,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      catalog: { type: 'string' },
      state: { type: 'string' },
      debug: { type: 'boolean' },
    },
  });
  const command = positionals[0] as CommandName | undefined;
  if (!command || !COMMANDS.includes(command)) {
    throw configError(
      `Unknown command ${command ? `"${command}"` : '(none given)'}. Use one of: spec, check --config FILE, discover --config FILE, read --config FILE --catalog FILE [--state FILE].`,
    );
  }
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw configError(`The --${name} option needs a file path.`);
    return value;
  };
  const invocation: Invocation = {
    command,
    config: text('config'),
    catalog: text('catalog'),
    state: text('state'),
    debug: values.debug === true || process.env.LOG_LEVEL?.toUpperCase() === 'DEBUG',
  };
  for (const needed of NEEDS[command]) {
    if (!invocation[needed]) throw configError(`The ${command} command needs --${needed} FILE.`);
  }
  return invocation;
}
