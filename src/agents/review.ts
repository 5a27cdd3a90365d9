import type { Diagnosis, Remediation } from '../domain/diagnosis.js';
import { redactDeep } from '../domain/secrets/index.js';
import type { TaskHandler } from '../worker/registry.js';
import { proposedActionOf, type ProposedAction } from './actions/from-command.js';
import { bareCommand, commandVerdict, commandsIn, isProse } from './command-safety.js';
import { arbiterOf, pinnedSnapshot, type AgentDeps } from './deps.js';
import { loadEvidence } from './evidence-artifact.js';
import { checkGrounding, withoutModelAnswer } from './grounding.js';
import type { PipelineState, ReviewOutcome, WriteCommand } from './pipeline-state.js';
import { handOff, pipelineStep, requireNext } from './step-runner.js';

/**
 * `review` — the reviewer validates the result before it is reported:
 * 1. the root cause is backed by at least one evidence item; a model's answer must cite evidence
 *    ids that name what the run collected, or it is rejected and the rules' result stands
 *    (`rule_based_fallback`, the reason in the ledger — see grounding.ts);
 * 2. verification commands are read-only; write commands are listed as writes that need
 *    approval (the arbiter's writesRequireApproval); any other command, anywhere in the
 *    remediation, is dropped (command-safety.ts);
 * 3. the whole result goes through the redactor: anything secret-looking is masked.
 * A root cause that is unknown or below the threshold is sent back for one wider evidence
 * pass while the arbiter's reviewPasses allow; otherwise it is accepted (flagged low confidence).
 */
export interface DroppedCommand {
  command: string;
  from: 'immediate' | 'verification' | 'writes' | 'prevention';
  reason: string;
}

export interface CommandReview {
  remediation: Remediation;
  writes: WriteCommand[];
  /** Kubectl writes found among the verification commands (now listed as writes). */
  moved: string[];
  /** Lines dropped because a command in them is neither a kubectl read nor a kubectl write. */
  dropped: DroppedCommand[];
}

/**
 * Every command of the remediation, wherever it stands: verification keeps only kubectl reads
 * (writes move to the approval list), the write list keeps only kubectl writes, and a line of
 * prose naming any other command (a pipe into curl, `rm -rf`, a redirect) is dropped — a model
 * that read an injected log line must not get its text shown as something to run or approve.
 */
export function reviewCommands(r: Remediation, writesRequireApproval: boolean): CommandReview {
  const writes: WriteCommand[] = [];
  const moved: string[] = [];
  const dropped: DroppedCommand[] = [];
  const verification: string[] = [];
  const addWrite = (cmd: string) => {
    if (!writes.some((w) => w.command === cmd)) writes.push({ command: cmd, requiresApproval: writesRequireApproval });
  };
  const addRead = (cmd: string) => {
    if (!verification.includes(cmd)) verification.push(cmd);
  };
  for (const line of r.verification) {
    // A command is judged whole; a line of prose ("Check the logs: kubectl logs x") by its one command.
    const found = isProse(line) ? commandsIn(line) : [];
    const cmd = found.length === 1 ? found[0]! : bareCommand(line);
    const v = commandVerdict(cmd);
    if (v.kind === 'read') addRead(cmd);
    else if (v.kind === 'write') {
      moved.push(cmd);
      addWrite(cmd);
    }
    else dropped.push({ command: line, from: 'verification', reason: v.reason });
  }
  for (const line of r.writes ?? []) {
    const cmd = bareCommand(line);
    const v = commandVerdict(cmd);
    if (v.kind === 'write') addWrite(cmd);
    else if (v.kind === 'read') addRead(cmd);
    else dropped.push({ command: line, from: 'writes', reason: v.reason });
  }
  const prose = (from: 'immediate' | 'prevention') => (line: string): boolean => {
    const verdicts = commandsIn(line).map((c) => ({ c, v: commandVerdict(c) }));
    const bad = verdicts.find(({ v }) => v.kind === 'unsafe');
    if (bad) {
      dropped.push({ command: line, from, reason: `${bad.c}: ${bad.v.reason}` });
      return false;
    }
    if (from === 'immediate') for (const { c, v } of verdicts) if (v.kind === 'write') addWrite(c);
    return true;
  };
  const immediate = r.immediate.filter(prose('immediate'));
  const prevention = r.prevention.filter(prose('prevention'));
  return { remediation: { immediate, verification, prevention, writes: writes.map((w) => w.command) }, writes, moved, dropped };
}

export function reviewHandler(deps: AgentDeps): TaskHandler {
  return pipelineStep('review', async (ctx, state, rec) => {
      const control = await pinnedSnapshot(deps, state.controlVersion);
      const arbiter = arbiterOf(control);
      let analysis = state.analysis;
      const checks: ReviewOutcome['checks'] = [];

      // 1. Evidence behind the root cause: a model's answer first has to cite collected evidence.
      if (analysis.model?.outcome === 'used') {
        const grounding = checkGrounding(analysis, state.evidence, await loadEvidence(deps, ctx.item.runId, state.evidence, rec));
        checks.push({ name: 'model_answer_grounded', ok: grounding.ok, detail: grounding.detail });
        if (!grounding.ok) {
          rec.record('decision', { decision: 'reject_model_answer', reason: grounding.detail, cited: grounding.cited, unknown: grounding.unknown, fallback: 'rule_based_fallback' });
          analysis = withoutModelAnswer(analysis, grounding.detail);
        }
      }
      const d = analysis.diagnosis;
      const healthy = d.root_cause.type === 'no_issue_found';
      const backed = d.root_cause.evidence.length > 0 || healthy;
      checks.push({ name: 'root_cause_backed_by_evidence', ok: backed, detail: `${d.root_cause.evidence.length} evidence item(s)` });

      // 2. Commands.
      const { remediation, writes, moved, dropped } = reviewCommands(d.remediation, arbiter.writesRequireApproval);
      checks.push({
        name: 'verification_commands_read_only',
        ok: moved.length === 0,
        detail: moved.length ? `moved ${moved.length} writing command(s) out of verification: ${moved.join('; ')}` : 'all verification commands are read-only',
      });
      checks.push({
        name: 'writes_marked',
        ok: true,
        detail: writes.length ? `${writes.length} write command(s), ${arbiter.writesRequireApproval ? 'each needs explicit approval' : 'approval not required by the arbiter policy'}` : 'no write commands',
      });
      checks.push({
        name: 'no_unsafe_commands',
        ok: dropped.length === 0,
        detail: dropped.length ? `dropped ${dropped.length} line(s) with a command that is neither a kubectl read nor a kubectl write` : 'every command is a kubectl read or a kubectl write',
      });
      for (const w of writes) rec.record('review.write_command', { command: w.command, requiresApproval: w.requiresApproval });
      // Writes the action catalogue knows become typed proposals (never approved here: a person does).
      const actions = writes.map((w) => proposedActionOf(w.command, state.plan.params.namespace)).filter((a): a is ProposedAction => a !== undefined);
      for (const a of actions) rec.record('review.proposed_action', { action: a.action, target: a.target, params: a.params, expectedEffect: a.expectedEffect, verification: a.verification });
      for (const x of dropped) rec.record('review.unsafe_command', redactDeep({ ...x }).value);

      // 3. Secrets.
      const candidate: Diagnosis = { ...d, remediation, findings: d.findings.map((f, i) => (i === 0 ? { ...f, remediation } : f)) };
      const masked = redactDeep(candidate);
      checks.push({ name: 'no_secret_in_result', ok: true, detail: masked.count ? `masked ${masked.count} secret-looking value(s)` : 'nothing secret-looking found' });
      if (masked.count) rec.record('review.secrets_masked', { count: masked.count });
      for (const c of checks) rec.record('review.check', c);

      const lowConfidence = d.root_cause.type === 'unknown' || (!healthy && analysis.confidence < analysis.threshold) || !backed;
      const extraPasses = Math.max(0, state.pass - 1);
      if (lowConfidence && extraPasses < arbiter.reviewPasses && !state.evidence.wide) {
        const reason = !backed ? 'the root cause is not backed by evidence' : `root cause ${d.root_cause.type} at confidence ${analysis.confidence} (threshold ${analysis.threshold})`;
        rec.record('decision', { decision: 'collect_more_evidence', reason, pass: state.pass, reviewPasses: arbiter.reviewPasses });
        const { analysis: _discarded, ...back }: PipelineState = state;
        return {
          output: { decision: 'collect_more_evidence', reason },
          followUps: [handOff('collect_evidence', back)],
          events: rec.finish({ controlVersion: control.version, outcome: 'sent back for more evidence' }),
        };
      }

      const review: ReviewOutcome = { approved: !lowConfidence, checks, writes, actions, maskedSecrets: masked.count };
      rec.record('decision', { decision: lowConfidence ? 'accept_low_confidence' : 'approve', rootCause: d.root_cause.type, confidence: analysis.confidence });
      const next = requireNext(state.plan.intent, 'review');
      return {
        output: { decision: review.approved ? 'approved' : 'accepted_low_confidence', writes: writes.length },
        followUps: [handOff(next, { ...state, analysis: { ...analysis, diagnosis: masked.value }, review })],
        events: rec.finish({ controlVersion: control.version, outcome: review.approved ? 'approved' : 'accepted with low confidence' }),
      };
  });
}
