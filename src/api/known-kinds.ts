import { knownKinds } from '../control-plane/workers.js';
import type { Queryable } from '../db/database.js';
import { SyntraError } from '../domain/errors.js';

/**
 * The task types a submit may name: every kind a worker has ever announced. A kind once known
 * stays known (the registry never forgets one), so hits are answered from memory; only a miss
 * reads the registry again — concurrent misses share one read — in case a worker announced it
 * since. A kind nobody ever served is refused: it would otherwise stay queued forever.
 */
export interface KnownKinds {
  assertKnown(kind: string): Promise<void>;
}

const LISTED = 50;

export function createKnownKinds(db: Queryable): KnownKinds {
  let known = new Set<string>();
  let reading: Promise<void> | undefined;
  const reload = () =>
    (reading ??= knownKinds(db)
      .then((kinds) => void (known = new Set(kinds)))
      .finally(() => (reading = undefined)));

  return {
    async assertKnown(kind) {
      if (known.has(kind)) return;
      await reload();
      if (known.has(kind)) return;
      const kinds = [...known].sort();
      const shown = kinds.length > LISTED ? `${kinds.slice(0, LISTED).join(', ')}, … (${kinds.length} in all)` : kinds.join(', ') || 'none yet: no worker has registered';
      throw new SyntraError('unknown_kind', `no worker serves task type "${kind}"; known kinds: ${shown}`, {
        details: { kind, knownKinds: kinds.slice(0, 500) },
      });
    },
  };
}
