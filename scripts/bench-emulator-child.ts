// The bench's handle on the emulator child (bench-emulator.ts): fork, wait until ready, ask over IPC, stop.
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '../test/emulator/index.js';
import type { EmulatorMetrics } from '../test/emulator/types.js';
import type { EmulatorReady, RecordedRequest } from './bench-emulator.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'bench-emulator.js');

export class EmulatorChild {
  private nextId = 1;
  private readonly pending = new Map<number, (value: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: EmulatorReady,
  ) {
    child.on('message', (message) => {
      const { id, value } = message as { id: number; value: unknown };
      this.pending.get(id)?.(value);
      this.pending.delete(id);
    });
  }

  /** Generates the tenant in a child process (a 10x tenant needs a few GB of heap) and waits for it to listen. */
  static start(options: ServerOptions): Promise<EmulatorChild> {
    const child = fork(script, [JSON.stringify(options)], {
      execArgv: ['--max-old-space-size=16384'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the emulator child exited with code ${code} before it was ready`)));
      child.once('message', (message) => resolve(new EmulatorChild(child, message as EmulatorReady)));
    });
  }

  private call<T>(command: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as (value: unknown) => void);
      this.child.send({ id, ...command });
    });
  }

  metrics = () => this.call<EmulatorMetrics>({ cmd: 'metrics' });
  reset = () => this.call<boolean>({ cmd: 'reset' });
  record = (on: boolean) => this.call<boolean>({ cmd: 'record', on });
  recorded = () => this.call<RecordedRequest[]>({ cmd: 'recorded' });

  async stop(): Promise<void> {
    this.child.removeAllListeners('exit');
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call({ cmd: 'stop' });
    await exited;
  }
}
