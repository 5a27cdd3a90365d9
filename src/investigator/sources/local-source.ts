import { errorMessage } from '../../domain/errors.js';
import { redactSnapshot } from './redact-snapshot.js';
import { applyScope } from './scope.js';
import type { ClusterSnapshot, ConnectivityReport, EvidenceScope, EvidenceSource, EvidenceSourceKind } from '../cluster/snapshot.js';

/**
 * An evidence source over local input read into one snapshot (a dump folder, kubectl text):
 * `check` is whether it reads, `collect` scopes it and masks secrets unless told not to.
 * Reading and caching stay with the caller's `load`, which throws evidence_unreadable.
 */
export interface LocalSourceOptions {
  kind: EvidenceSourceKind;
  description: string;
  load: () => Promise<ClusterSnapshot> | ClusterSnapshot;
  /** Give each collected snapshot a fresh `source` (this source's kind and description, collected now). */
  restamp?: boolean;
  /** Mask secret-looking values (default true). */
  redact?: boolean | undefined;
}

export function localSnapshotSource(options: LocalSourceOptions): EvidenceSource {
  const { kind, description, load } = options;
  return {
    kind,
    async check(): Promise<ConnectivityReport> {
      try {
        await load();
        return { ok: true, description };
      } catch (e) {
        return { ok: false, description, problem: { code: 'evidence_unreadable', message: errorMessage(e) } };
      }
    },
    async listNamespaces(): Promise<string[]> {
      return [...(await load()).namespaces];
    },
    async collect(scope: EvidenceScope, signal?: AbortSignal): Promise<ClusterSnapshot> {
      signal?.throwIfAborted();
      const full = await load();
      const stamped = options.restamp ? { ...full, source: { kind, description, collectedAt: new Date().toISOString() } } : full;
      const scoped = applyScope(stamped, scope);
      return options.redact === false ? scoped : redactSnapshot(scoped).value;
    },
  };
}
