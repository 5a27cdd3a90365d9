import { canAccessNamespace, namespaceFilter, type Principal } from '../../access/principal.js';
import { principalInCluster, requireCluster } from '../../clusters/index.js';
import { submitCommand } from '../../control-plane/commands.js';
import { cancelRun, getRun, listRuns, type ListRunsQuery } from '../../control-plane/runs.js';
import type { RunStatus, SubmitInput, SubmitResult } from '../../control-plane/types.js';
import { SyntraError } from '../../domain/errors.js';
import type { ApiContext } from '../context.js';
import type { Caller } from '../plugins/auth.js';
import { assertMayRunKind, submitNamespace } from '../submit-access.js';
import { notifyRunEvents } from '../wakeup.js';

/**
 * Runs as every transport (REST, GraphQL) sees them: the namespace rules, the kind check and the
 * idempotency scope live here once. The caller's permission for the operation was checked before.
 */

/** A run with its tasks, artifacts and events; another namespace's run is exactly like a missing one. */
export async function visibleRun(db: ApiContext['db'], principal: Principal | null, runId: string) {
  const found = await getRun(db, runId);
  if (!found || !canAccessNamespace(principalInCluster(principal, found.run.cluster), found.run.namespace)) throw new SyntraError('not_found', `run ${runId} does not exist`);
  return found;
}

export interface RunListFilter {
  status?: RunStatus | undefined;
  kind?: string | undefined;
  since?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

function parseSince(since: string | undefined, field: string): Date | undefined {
  if (since === undefined) return undefined;
  const at = new Date(since);
  if (Number.isNaN(at.getTime())) {
    throw new SyntraError('validation_failed', `${field} "${since}" is not a valid date`, { details: { fields: [{ field, problem: 'is not a valid date' }] } });
  }
  return at;
}

/** Newest first, only the caller's namespaces. `sinceField` names the input in errors. */
export async function visibleRuns(db: ApiContext['db'], principal: Principal | null, f: RunListFilter, sinceField = 'querystring.since') {
  const sinceDate = parseSince(f.since, sinceField);
  const namespaces = namespaceFilter(principal);
  const q: ListRunsQuery = {
    limit: f.limit ?? 20,
    ...(namespaces === undefined ? {} : { namespaces }),
    ...(f.status === undefined ? {} : { status: f.status }),
    ...(f.kind === undefined ? {} : { kind: f.kind }),
    ...(sinceDate === undefined ? {} : { since: sinceDate }),
    ...(f.cursor === undefined ? {} : { cursor: f.cursor }),
  };
  return listRuns(db, q);
}

/**
 * Submit a command: kind allowed and known, cluster registered, namespace inside the caller's
 * scopes in that cluster, idempotent per credential. `cluster` omitted: the default cluster.
 */
export async function submitRun(ctx: ApiContext, caller: Caller, body: SubmitInput & { cluster?: string | undefined }, idempotencyKey?: string): Promise<SubmitResult> {
  const { principal } = caller;
  const { cluster, ...input } = body;
  assertMayRunKind(principal, input.kind);
  await ctx.kinds.assertKnown(input.kind);
  if (cluster !== undefined) await requireCluster(ctx.db, cluster);
  const namespace = submitNamespace(inClusterOrRefuse(principal, cluster ?? null), input.namespace, input.input);
  // Idempotency keys are scoped per credential, namespace and cluster: nobody replays into, or
  // learns the id of, a run of another key, session, namespace or cluster.
  const scope = JSON.stringify([principal?.type ?? 'anonymous', principal?.id ?? null, namespace ?? null, ...(cluster === undefined ? [] : [cluster])]);
  const submit = (db: Parameters<typeof submitCommand>[0]) =>
    submitCommand(db, { ...input, ...(namespace === undefined ? {} : { namespace }) }, {
      ...(idempotencyKey === undefined ? {} : { idempotencyKey, idempotencyScope: scope }),
      ...(principal ? { createdBy: `${principal.type}:${principal.id}` } : {}),
    });
  if (cluster === undefined) return submit(ctx.db);
  // The run carries its cluster from its first committed moment on (a worker reads it to choose the client).
  return ctx.db.transaction(async (tx) => {
    const submitted = await submit(tx);
    if (submitted.created) await tx.query(`UPDATE runs SET cluster = $2 WHERE id = $1`, [submitted.runId, cluster]);
    return submitted;
  });
}

/**
 * The caller as seen from the run's cluster; a caller whose scopes all lie in other clusters is
 * refused with the reason (the same check for `syntra ask --cluster`, POST /api/ask and MCP's ask).
 */
function inClusterOrRefuse(principal: Principal | null, cluster: string | null): Principal | null {
  const view = principalInCluster(principal, cluster);
  if (principal?.namespaces && principal.namespaces.length > 0 && view?.namespaces?.length === 0) {
    const where = cluster === null ? 'the default cluster' : `cluster ${cluster}`;
    throw new SyntraError('forbidden', `this caller may not start runs in ${where}: its namespaces are ${principal.namespaces.join(', ')}`, { details: { cluster } });
  }
  return view;
}

/** Cancel a visible run; running handlers are told through the bus. */
export async function cancelVisibleRun(ctx: ApiContext, caller: Caller, runId: string, reason?: string): Promise<{ runId: string; status: RunStatus }> {
  await visibleRun(ctx.db, caller.principal, runId);
  const run = await cancelRun(ctx.db, runId, { actor: 'api', ...(reason === undefined ? {} : { reason }) });
  notifyRunEvents(ctx.bus, runId);
  return { runId, status: run.status };
}
