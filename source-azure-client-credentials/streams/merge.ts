// Several async sequences read at once as one: each item as soon as its source has it, every source ended when the reader stops.

/**
 * Reads every source at once and yields their items as they come (each source's own order kept). A source that fails
 * fails the whole; when the reader stops early or a source fails, the other sources are ended (their finally blocks run).
 */
export async function* merge<T>(...sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const open = new Set(iterators.keys());
  const pending = new Map<number, Promise<{ index: number; result: IteratorResult<T> }>>();
  const pull = (index: number) => {
    const next = iterators[index]!.next().then((result) => ({ index, result }));
    // Raced below; one left behind when another source fails must not become an unhandled rejection.
    next.catch(() => {});
    pending.set(index, next);
  };
  for (const index of open) pull(index);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      pending.delete(index);
      if (result.done) {
        open.delete(index);
        continue;
      }
      yield result.value;
      pull(index);
    }
  } finally {
    await Promise.allSettled([...open].map((index) => iterators[index]!.return?.()));
  }
}
