// Fault injection: which configured fault (if any) hits a request, counting down each fault's `times`.
import type { Fault } from './types.js';

export type TransportFault = Extract<Fault, { kind: 'reset' | 'truncate' | 'stall' }>;
export type AnswerFault = Extract<Fault, { kind: 'status' | 'throttle' }>;

export class Faults {
  private faults: Fault[] = [];

  set(faults: Fault[]) {
    // Copies, so counting down never edits the caller's objects.
    this.faults = faults.map((f) => ({ ...f }));
  }

  private matches(fault: Fault, target: string): boolean {
    return !('path' in fault) || fault.path === undefined || new RegExp(fault.path, 'i').test(target);
  }

  /** Takes the first matching fault of the given kinds (path + query as target) and counts it down. */
  private take<K extends Fault['kind']>(kinds: K[], target: string): Extract<Fault, { kind: K }> | undefined {
    const fault = this.faults.find((f) => (kinds as string[]).includes(f.kind) && this.matches(f, target));
    if (!fault || !('times' in fault)) return fault as Extract<Fault, { kind: K }> | undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault as Extract<Fault, { kind: K }>;
  }

  /** Faults on the HTTP exchange itself (whole requests only; a $batch item cannot reset a socket). */
  transport(target: string): TransportFault | undefined {
    return this.take(['reset', 'truncate', 'stall'], target);
  }

  /** Faults answered as an HTTP status (whole requests and batch items). */
  answer(target: string): AnswerFault | undefined {
    return this.take(['status', 'throttle'], target);
  }

  /** True while a 'loop' fault covers the target: its nextLinks point back at the page itself. */
  loops(target: string): boolean {
    return this.faults.some((f) => f.kind === 'loop' && this.matches(f, target));
  }

  /** Ids deleted between the list and the fan-out (404 on their child collections). */
  deleted(kind: 'servicePrincipalIds' | 'groupIds', defaults: () => string | undefined): Set<string> {
    const ids = new Set<string>();
    for (const f of this.faults) {
      if (f.kind !== 'delete-before-fanout') continue;
      const listed = f[kind];
      // Without ids the fault picks the first parent that has children, so a test need not know the tenant.
      if (listed) for (const id of listed) ids.add(id);
      else if (!f.servicePrincipalIds && !f.groupIds) {
        const id = defaults();
        if (id) ids.add(id);
      }
    }
    return ids;
  }
}
