/**
 * An async iterator fed by a producer loop, for subscriptions: `return()` (the client
 * unsubscribed or disconnected) aborts the producer at once, even while it waits for the next
 * database poll, and so does `stop` (the server is closing). A slow consumer holds the producer
 * back at `emit` instead of letting a queue grow.
 */
export function streamOf<T>(produce: (emit: (value: T) => Promise<void>, signal: AbortSignal) => Promise<void>, stop: AbortSignal): AsyncIterableIterator<T> {
  const abort = new AbortController();
  const onStop = () => abort.abort();
  stop.addEventListener('abort', onStop, { once: true });
  const queue: T[] = [];
  let done = false;
  let failure: unknown;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const finish = () => {
    done = true;
    abort.abort();
    stop.removeEventListener('abort', onStop);
    wakeConsumer?.();
    wakeProducer?.();
  };

  const emit = async (value: T): Promise<void> => {
    if (done) return;
    queue.push(value);
    wakeConsumer?.();
    while (queue.length > 16 && !done) await new Promise<void>((r) => (wakeProducer = r));
  };
  produce(emit, abort.signal).then(
    () => finish(),
    (e: unknown) => {
      failure = e;
      finish();
    },
  );

  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        if (queue.length > 0) {
          const value = queue.shift()!;
          wakeProducer?.();
          return { value, done: false };
        }
        if (failure !== undefined) {
          const e = failure;
          failure = undefined;
          throw e;
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((r) => (wakeConsumer = r));
        wakeConsumer = undefined;
      }
    },
    async return() {
      queue.length = 0;
      finish();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
