import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import { complete, completeMany, type CompleteArgs, type CompleteResult } from '../control-plane/queue.js';

/**
 * Group commit for completions, with no added delay: the first completion goes out at once;
 * those arriving while it is in flight are sent together as one batch (one transaction, one
 * WAL flush) when it returns. Under load that turns N commits into a handful; idle, it is a
 * plain complete. A batch that fails as a whole falls back to completing items one by one.
 */
export interface CompletionBatcher {
  complete(args: CompleteArgs): Promise<CompleteResult>;
}

const MAX_BATCH = 200;

export function createCompletionBatcher(db: Database): CompletionBatcher {
  let queue: Array<{ args: CompleteArgs; resolve: (r: CompleteResult) => void; reject: (e: unknown) => void }> = [];
  let flushing = false;

  async function flush(): Promise<void> {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    try {
      if (batch.length === 1) {
        const [one] = batch;
        await complete(db, one!.args).then(one!.resolve, one!.reject);
      } else {
        let results: Array<CompleteResult | SyntraError> | undefined;
        try {
          results = await completeMany(db, batch.map((b) => b.args));
        } catch {
          // One item's trouble (e.g. a deadlock with a cancel) must not fail the others.
          await Promise.all(batch.map((b) => complete(db, b.args).then(b.resolve, b.reject)));
        }
        results?.forEach((r, i) => (r instanceof SyntraError ? batch[i]!.reject(r) : batch[i]!.resolve(r)));
      }
    } finally {
      flushing = false;
      void flush();
    }
  }

  return {
    complete(args) {
      return new Promise<CompleteResult>((resolve, reject) => {
        queue.push({ args, resolve, reject });
        void flush();
      });
    },
  };
}
