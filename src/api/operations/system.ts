import { queueStats } from '../../control-plane/queue-stats.js';
import { migrationsApplied } from '../../db/migrate.js';
import { errorMessage } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';

/**
 * Whether this process can serve, for every transport (/readyz, the GraphQL `system` query):
 * database reachable and every shipped migration applied. The bus is not a readiness condition
 * (without it wakeups stop but workers poll), so a lost bus is `degraded`, never `not_ready`.
 */
export interface Readiness {
  status: 'ready' | 'degraded' | 'not_ready';
  checks: { database: string; migrations: string; bus: string };
}

async function probe(fn: () => Promise<boolean>, failure: string): Promise<string> {
  try {
    return (await fn()) ? 'ok' : failure;
  } catch (e) {
    return `${failure}: ${errorMessage(e)}`;
  }
}

export async function readiness(ctx: Pick<ApiContext, 'db' | 'bus'>): Promise<Readiness> {
  const database = await probe(async () => (await ctx.db.query('SELECT 1 AS ok')).rowCount === 1, 'unreachable');
  const migrations = database === 'ok' ? await probe(() => migrationsApplied(ctx.db), 'pending') : 'unknown (database unreachable)';
  const bus = ctx.bus.isConnected() ? 'ok' : 'disconnected';
  const status = database !== 'ok' || migrations !== 'ok' ? 'not_ready' : bus === 'ok' ? 'ready' : 'degraded';
  return { status, checks: { database, migrations, bus } };
}

/** Readiness and the queue's depth by state, read from the database (every replica reports the same). */
export async function systemStatus(ctx: Pick<ApiContext, 'db' | 'bus'>) {
  const ready = await readiness(ctx);
  const stats = ready.checks.database === 'ok' ? await queueStats(ctx.db) : null;
  const queue = stats && { byState: Object.entries(stats.byState).map(([state, count]) => ({ state, count })), oldestAvailableAgeSeconds: stats.oldestAvailableAgeSeconds };
  return { live: true, readiness: ready, queue };
}
