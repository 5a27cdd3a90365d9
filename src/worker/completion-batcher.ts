import type { Database } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';
import {
  complete,
  completeMany,
  completeManyAndClaim,
  type ClaimArgs,
  type CompleteArgs,
  type CompleteResult,
} from '../control-plane/queue.js';
import type { ClaimedItem } from '../control-plane/types.js';

/**
 * Group commit for completions, with no added delay: the first completion goes out at once;
 * those arriving while it is in flight are sent together as one batch (one transaction, one
 * WAL flush) when it returns. Under load that turns N commits into a handful; idle, it is a
 * plain complete. A batch that fails as a whole falls back to completing items one by one.
 *
 * With `claimAlong`, the batch also claims the next items in the same statement and commit
 * (the room its completions free), so a busy worker commits once per batch instead of twice.
 */
export interface CompletionBatcher {
  complete(args: CompleteArgs): Promise<CompleteResult>;
}

export interface ClaimAlong {
  /** The claim to make with a batch of `completing` completions, or null (no room, or a claim is in flight). */
  take(completing: number): ClaimArgs | null;
  /** The items claimed with the batch; null when the batch failed and nothing was claimed. */
  claimed(items: ClaimedItem[] | null, limit: number): void;
}

const MAX_BATCH = 200;

type Pending = { args: CompleteArgs; resolve: (r: CompleteResult) => void; reject: (e: unknown) => void };

export function createCompletionBatcher(db: Database, claimAlong?: ClaimAlong): CompletionBatcher {
  let queue: Pending[] = [];
  let flushing = false;

  const settle = (batch: Pending[], results: Array<CompleteResult | SyntraError>) =>
    results.forEach((r, i) => (r instanceof SyntraError ? batch[i]!.reject(r) : batch[i]!.resolve(r)));
  // One item's trouble (e.g. a deadlock with a cancel) must not fail the others.
  const oneByOne = (batch: Pending[]) => Promise.all(batch.map((b) => complete(db, b.args).then(b.resolve, b.reject)));

  async function send(batch: Pending[]): Promise<void> {
    const next = claimAlong?.take(batch.length) ?? null;
    if (next) {
      let claimed: ClaimedItem[] | null = null;
      try {
        const r = await completeManyAndClaim(db, batch.map((b) => b.args), next);
        claimed = r.claimed;
        settle(batch, r.results);
      } catch {
        await oneByOne(batch);
      } finally {
        claimAlong!.claimed(claimed, next.limit);
      }
    } else if (batch.length === 1) {
      const [one] = batch;
      await complete(db, one!.args).then(one!.resolve, one!.reject);
    } else {
      let results: Array<CompleteResult | SyntraError> | undefined;
      try {
        results = await completeMany(db, batch.map((b) => b.args));
      } catch {
        await oneByOne(batch);
      }
      if (results) settle(batch, results);
    }
  }

  async function flush(): Promise<void> {
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    try {
      await send(batch);
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
