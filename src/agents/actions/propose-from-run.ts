import { errorMessage } from '../../domain/errors.js';
import type { Database } from '../../db/database.js';
import type { StepRecorder } from '../step-recorder.js';
import { assertExecutorConfigured, executorNotice, proposeAction } from './approvals.js';
import type { ProposedAction } from './from-command.js';
import { actionsOfRun } from './store.js';

/**
 * The end of a diagnosis: the reviewed, typed actions become approval requests — proposed by
 * the run, so a model's answer can lead to a proposal but never to an approval. Only when an
 * executor exists (otherwise Syntra stays read-only and the actions are listed in the answer);
 * only in the run's own namespace; once per run (a retried report step proposes nothing twice).
 */
export interface ProposedOutcome extends ProposedAction {
  /** The approval request, when one was created. */
  id?: string;
  status?: string;
  /** Set when no executor serves it now: `no executor is serving; it will wait until …`. */
  waiting?: string;
}

export async function proposeFromRun(
  db: Database,
  run: { id: string; namespace: string | null },
  actions: readonly ProposedAction[],
  why: string,
  rec: StepRecorder,
  diagnosis: { rootCauseType?: string; errorLine?: string; subject?: { kind: string; name: string; namespace?: string } } = {},
): Promise<ProposedOutcome[]> {
  if (actions.length === 0) return [];
  try {
    await assertExecutorConfigured(db);
  } catch {
    rec.record('actions.read_only', { reason: 'no executor configured: the actions are listed, not proposed for approval', count: actions.length });
    return [...actions];
  }
  const existing = await actionsOfRun(db, run.id);
  const out: ProposedOutcome[] = [];
  for (const a of actions) {
    // A namespaced run proposes only in its namespace (a node is cluster-scoped: listed, not proposed).
    if (run.namespace !== null && a.target.namespace !== run.namespace) {
      out.push(a);
      continue;
    }
    const same = existing.find((e) => e.action === a.action && JSON.stringify(e.target) === JSON.stringify(a.target) && JSON.stringify(e.params) === JSON.stringify(a.params));
    try {
      const created = same ?? (await proposeAction(db, { runId: run.id }, { action: a.action, target: a.target, params: a.params, reason: why, sourceRunId: run.id, ...diagnosis }));
      const notice = await executorNotice(db, created);
      rec.record('action.proposed', { actionId: created.id, action: a.action, target: a.target, params: a.params, ...(notice.message ? { waiting: notice.message } : {}) });
      out.push({ ...a, id: created.id, status: created.status, ...(notice.message ? { waiting: notice.message } : {}) });
    } catch (e) {
      rec.record('action.propose_failed', { action: a.action, target: a.target, error: errorMessage(e) });
      out.push(a);
    }
  }
  return out;
}
