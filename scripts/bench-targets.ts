// The bench's targets: one row per target checked, never "met" without a measurement, printed as a table.

export interface Target {
  scenario: string;
  stream?: string;
  target: string;
  /** The measured figure as shown, or "not measured: <why>" (which counts as missed). */
  value: number | string;
  met: boolean;
}

/** A figure that was measured, or the reason there is none. */
export type Measurement = { value: number; shown?: string } | { missing: string };

/** `value` when it is a finite number and every precondition holds; otherwise the first reason it is not a measurement. */
export function measure(
  value: number | null | undefined,
  shown?: (value: number) => string,
  ...preconditions: [boolean, string][]
): Measurement {
  for (const [holds, why] of preconditions) if (!holds) return { missing: why };
  if (value === null || value === undefined || !Number.isFinite(value)) return { missing: 'no figure' };
  return shown ? { value, shown: shown(value) } : { value };
}

/** Pushes one target: met only when measured and `meets` holds; a missing measurement is shown and counts as missed. */
export function check(
  targets: Target[],
  where: { scenario: string; stream?: string },
  target: string,
  measurement: Measurement,
  meets: (value: number) => boolean,
): void {
  if ('missing' in measurement) {
    targets.push({ ...where, target, value: `not measured: ${measurement.missing}`, met: false });
    return;
  }
  targets.push({ ...where, target, value: measurement.shown ?? measurement.value, met: meets(measurement.value) });
}

/** The status precondition: figures of a stream that did not complete are not measurements of the stream. */
export const completed = (status: string): [boolean, string] => [status === 'COMPLETE', `stream ${status}`];

/** Target / measured / met, one row each, columns padded; the last line counts them. */
export function targetTable(targets: readonly Target[]): string {
  const rows = targets.map((t) => [t.scenario, t.stream ?? '', t.target, String(t.value), t.met ? 'yes' : 'NO']);
  const header = ['scenario', 'stream', 'target', 'measured', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const met = targets.filter((t) => t.met).length;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', `${met} of ${targets.length} targets met`].join(
    '\n',
  );
}
