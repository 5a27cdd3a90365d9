import { appendAudit } from '../../access/audit.js';
import { getSnapshot, type ArbiterPolicy, type ControlSnapshot } from '../../control-plane/control-registry/index.js';
import type { Database } from '../../db/database.js';
import { riskOf } from './catalogue.js';
import { event, queueExecution } from './approvals.js';
import { policyApprovalsSince, updateAction, type ActionRequest } from './store.js';

/**
 * Self-healing (opt-in): the arbiter policies' autoApprove rules in the control registry. After
 * its dry-run, an action a diagnosis proposed is approved without a person when one rule names
 * its action, its namespace and the diagnosis's root-cause type; the action is low risk and not
 * destructive; the workload had fewer than the rule's maxPerHourPerWorkload policy approvals in
 * the last hour; and no freeze window of that policy is open. Everything else waits for a person.
 * The decision is this code reading an operator's policy — never a model's answer: a model can
 * only make a run propose. An action a person proposed is never approved by a policy (it has no
 * root-cause type), so self-healing never bypasses the two-person rule either.
 */
export interface PolicyRuleView {
  id: string;
  policy: string;
  actions: string[];
  namespaces: string[];
  rootCauses: string[];
  maxPerHourPerWorkload: number;
  active: boolean;
  /** Why the rule approves nothing right now (a freeze window), or which of its actions it never approves. */
  notes: string[];
}

const HOUR_MS = 60 * 60 * 1000;
const ruleId = (policy: ArbiterPolicy, i: number) => `${policy.name}#${i + 1}`;

export function openFreezeWindow(policy: ArbiterPolicy, now: Date): { start: string; end: string; reason?: string } | undefined {
  return (policy.freezeWindows ?? []).find((w) => Date.parse(w.start) <= now.getTime() && now.getTime() < Date.parse(w.end));
}

/** Only low-risk actions are ever approved by a policy; a rule naming others is shown with a note and ignored for them. */
const notLow = (actions: readonly string[]) => actions.filter((a) => riskOf(a) !== 'low').map((a) => (riskOf(a) ? `${a} is ${riskOf(a)} risk: never approved by a policy` : `${a} is not an action`));

/** The self-healing rules of every arbiter policy, as the CLI, the panel and the API show them. */
export function listPolicyRules(snapshot: Pick<ControlSnapshot, 'arbiters'>, now = new Date()): PolicyRuleView[] {
  return Object.values(snapshot.arbiters).flatMap((policy) =>
    (policy.autoApprove ?? []).map((r, i) => {
      const frozen = openFreezeWindow(policy, now);
      const usable = r.actions.filter((a) => riskOf(a) === 'low');
      return {
        id: ruleId(policy, i),
        policy: policy.name,
        actions: r.actions,
        namespaces: r.namespaces,
        rootCauses: r.rootCauses,
        maxPerHourPerWorkload: r.maxPerHourPerWorkload,
        active: !frozen && usable.length > 0,
        notes: [...(frozen ? [`frozen until ${frozen.end}${frozen.reason ? ` (${frozen.reason})` : ''}`] : []), ...notLow(r.actions)],
      };
    }),
  );
}

export type PolicyOutcome = { approved: ActionRequest; rule: string } | { skipped: string; rule?: string } | undefined;

/**
 * Called by the executor after a successful dry-run. undefined: no rule concerns this action (it
 * waits for a person, nothing recorded); skipped: a rule matched but a limit held (recorded in the
 * ledger, the action waits for a person); approved: recorded as approved-by-policy in the ledger
 * and the audit trail, and its execution is queued.
 */
export async function approveByPolicy(db: Database, a: ActionRequest, now = new Date()): Promise<PolicyOutcome> {
  if (a.status !== 'pending_approval' || a.rootCauseType === null || a.namespace === null || a.destructive || riskOf(a.action) !== 'low' || !a.workload) return undefined;
  const snapshot = await getSnapshot(db);
  const matching = Object.values(snapshot.arbiters).flatMap((policy) =>
    (policy.autoApprove ?? []).flatMap((r, i) => (r.actions.includes(a.action) && r.namespaces.includes(a.namespace!) && r.rootCauses.includes(a.rootCauseType!) ? [{ policy, rule: r, id: ruleId(policy, i) }] : [])),
  );
  if (matching.length === 0) return undefined;
  const skipped: string[] = [];
  for (const m of matching) {
    const frozen = openFreezeWindow(m.policy, now);
    if (frozen) {
      skipped.push(`${m.id}: freeze window until ${frozen.end}${frozen.reason ? ` (${frozen.reason})` : ''}`);
      continue;
    }
    const workload = a.workload;
    const outcome = await db.transaction(async (tx) => {
      // One decision at a time per workload, so two dry-runs finishing together cannot both take the last slot.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`syntra.self-healing:${workload}`]);
      const used = await policyApprovalsSince(tx, workload, new Date(now.getTime() - HOUR_MS));
      if (used >= m.rule.maxPerHourPerWorkload) return { skipped: `${m.id}: ${workload} had ${used} policy approval(s) in the last hour (at most ${m.rule.maxPerHourPerWorkload})` };
      const by = `policy:${m.id}`;
      const reason = `self-healing: ${a.action} for ${a.rootCauseType} in ${a.namespace} (${used + 1}/${m.rule.maxPerHourPerWorkload} this hour for ${workload})`;
      const row = await updateAction(tx, a.id, ['pending_approval'], { status: 'approved', decided_by: by, decided_by_user: null, decided_at: now, decision_reason: reason, approved_by_policy: m.id });
      if (!row) return { skipped: `${m.id}: decided meanwhile` };
      await event(tx, row, 'action.approved', { by, reason, approvedBy: 'policy', policy: m.id });
      await appendAudit(tx, { actorType: 'system', actorId: by, action: 'action.approve', target: `action:${a.id}`, namespace: row.namespace, result: 'ok', details: { action: row.action, target: row.target, reason, approvedBy: 'policy', policy: m.id, rootCauseType: row.rootCauseType } });
      return { approved: row };
    });
    if (outcome.approved) return { approved: await queueExecution(db, outcome.approved), rule: m.id };
    skipped.push(outcome.skipped ?? m.id);
  }
  const why = skipped.join('; ');
  await event(db, a, 'action.auto_approval_skipped', { reason: why, waitsFor: 'a person' });
  return { skipped: why };
}
