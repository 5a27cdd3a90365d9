import { principalInCluster } from '../../clusters/index.js';
import { canAccessNamespace } from '../../access/principal.js';
import { WAKE_ALL } from '../../bus/subjects.js';
import { CONTROL_CHANGED_SUBJECT, currentVersion, history } from '../../control-plane/control-registry/index.js';
import { getRunStatus } from '../../control-plane/runs.js';
import { SyntraError } from '../../domain/errors.js';
import { visibleIncidents } from '../operations/incidents.js';
import { visibleRuns } from '../operations/runs.js';
import { listenForWakeups } from '../wakeup.js';
import type { GraphQLContext } from './context.js';
import { streamOf } from './stream.js';

/**
 * Subscriptions read PostgreSQL, the source of truth, and use the bus only to look early (the poll
 * interval is the backstop), like the SSE stream: nothing is lost while the bus is down, and a
 * client resumes a run's ledger from the last sequence number it saw.
 */

/** A run's ledger events after `afterSeq`, live (the process's run event hub); completes once the run is terminal. */
export async function runEvents(ctx: GraphQLContext, runId: string, afterSeq: number): Promise<AsyncIterable<unknown>> {
  // A run's namespace never changes: seeing it once is enough.
  const found = await getRunStatus(ctx.api.db, runId);
  if (!found || !canAccessNamespace(principalInCluster(ctx.principal, found.cluster), found.namespace)) throw new SyntraError('not_found', `run ${runId} does not exist`);
  return streamOf(async (emit, signal) => {
    for await (const item of ctx.api.runEvents.follow(runId, afterSeq, signal)) {
      if (item.kind === 'end') return;
      await emit(item.event);
    }
  }, ctx.api.closing);
}

const WATCHED = 50;

/**
 * Items of a list the caller may see as they appear or change (`stateOf`), among the WATCHED most
 * recent. A run's ledger wakeup prompts the early look (incidents are recorded by a run's report step).
 */
async function changesOf<T extends { id: string }>(ctx: GraphQLContext, list: () => Promise<T[]>, stateOf: (item: T) => string): Promise<AsyncIterable<unknown>> {
  const seen = new Map<string, string>();
  for (const item of await list()) seen.set(item.id, stateOf(item));
  return streamOf(async (emit, signal) => {
    const wakeup = listenForWakeups(ctx.api.bus, ['syntra.run.*.events', WAKE_ALL]);
    try {
      while (!signal.aborted) {
        await wakeup.wait(ctx.api.timing.eventsPollMs, signal);
        if (signal.aborted) return;
        // Oldest first, so a client applying updates in order ends with the newest on top.
        for (const item of [...(await list())].reverse()) {
          const state = stateOf(item);
          if (seen.get(item.id) === state) continue;
          seen.set(item.id, state);
          await emit(item);
        }
      }
    } finally {
      wakeup.close();
    }
  }, ctx.api.closing);
}

/**
 * Runs of the caller's namespaces as they appear and change status (queued → running → done),
 * among the newest WATCHED: what a live run list needs.
 */
export function runUpdates(ctx: GraphQLContext): Promise<AsyncIterable<unknown>> {
  return changesOf(ctx, async () => (await visibleRuns(ctx.api.db, ctx.principal, { limit: WATCHED })).items, (run) => run.status);
}

/** Incidents of the caller's namespaces as they appear, recur (one more occurrence) or change status. */
export function incidentUpdates(ctx: GraphQLContext): Promise<AsyncIterable<unknown>> {
  return changesOf(ctx, async () => (await visibleIncidents(ctx.api.db, ctx.principal, { limit: WATCHED })).items, (i) => `${i.status}/${i.occurrences}`);
}

/** Control-registry changes after `afterVersion` (default: from now on), oldest first. */
export async function controlChanges(ctx: GraphQLContext, afterVersion: number | undefined): Promise<AsyncIterable<unknown>> {
  let last = afterVersion ?? (await currentVersion(ctx.api.db));
  return streamOf(async (emit, signal) => {
    const wakeup = listenForWakeups(ctx.api.bus, [CONTROL_CHANGED_SUBJECT]);
    try {
      while (!signal.aborted) {
        const now = await currentVersion(ctx.api.db);
        if (now > last) {
          const page = await history(ctx.api.db, { limit: Math.min(now - last, 200) });
          for (const change of page.items.filter((c) => c.version > last).reverse()) {
            await emit(change);
            last = change.version;
          }
          continue;
        }
        await wakeup.wait(ctx.api.timing.eventsPollMs, signal);
      }
    } finally {
      wakeup.close();
    }
  }, ctx.api.closing);
}
