// Several async sequences read at once as one: each item as soon as its source has it, every source ended when the reader stops.

/** One source's answer to next(), as it settled. */
type Settled<T> = { index: number; result: IteratorResult<T> } | { index: number; error: unknown };

/**
 * Reads every source at once and yields their items as they come (each source's own order kept). A source that fails
 * fails the whole; when the reader stops early or a source fails, the other sources are ended (their finally blocks run).
 *
 * Not Promise.race over the sources' next(): each race adds a reaction to every promise still pending, and that
 * reaction keeps the race's own (settled) promise and its value alive until the pending one settles. A source that
 * stays quiet for a long time (the /users pass into the spill file) then holds every item the other source yielded
 * meanwhile: at 10x, every group's member page (https://github.com/nodejs/node/issues/17469). Here each next() has
 * one reaction, which queues its settlement and wakes the reader.
 */
export async function* merge<T>(...sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const open = new Set(iterators.keys());
  const settled: Settled<T>[] = [];
  let wake: (() => void) | undefined;
  let outstanding = 0;
  const pull = (index: number) => {
    outstanding++;
    const arrive = (answer: Settled<T>) => {
      settled.push(answer);
      wake?.();
    };
    iterators[index]!.next().then(
      (result) => arrive({ index, result }),
      (error: unknown) => arrive({ index, error }),
    );
  };
  for (const index of open) pull(index);
  try {
    while (outstanding > 0) {
      if (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const answer = settled.shift()!;
      outstanding--;
      if ('error' in answer) {
        open.delete(answer.index);
        throw answer.error;
      }
      if (answer.result.done) {
        open.delete(answer.index);
        continue;
      }
      yield answer.result.value;
      pull(answer.index);
    }
  } finally {
    await Promise.allSettled([...open].map((index) => iterators[index]!.return?.()));
  }
}
