/**
 * An ask run's ledger as the steps a person follows: one entry per agent step (from
 * agent.step.started to agent.step.finished/failed), with a readable line for the events that
 * matter inside it. Pure, so it is tested without a browser (test/panel/view-models.test.ts).
 */
export interface LedgerEvent {
  seq: number;
  type: string;
  data: Record<string, unknown> | null;
  createdAt: string;
}
export interface StepView {
  step: string;
  agent: string;
  status: 'running' | 'done' | 'failed';
  outcome?: string;
  durationMs?: number;
  notes: string[];
}

/** One line a person can read for the events that matter within a step. */
function noteOf(e: LedgerEvent): string | undefined {
  const d = e.data ?? {};
  switch (e.type) {
    case 'plan.created':
      return `intent ${String(d.intent)}${Array.isArray(d.notes) && d.notes.length ? `: ${d.notes.join('; ')}` : ''}`;
    case 'evidence.summary':
      return `evidence collected: ${Object.entries((d.counts ?? {}) as Record<string, number>).map(([k, v]) => `${v} ${k}`).join(', ')}`;
    case 'analysis.findings':
      return `${Array.isArray(d.findings) ? d.findings.length : 0} finding(s)`;
    case 'decision':
      return `decision: ${String(d.decision)}${d.reason ? ` (${String(d.reason)})` : ''}`;
    case 'review.write_command':
      return `write command marked for approval: ${String(d.command)}`;
    case 'incident.created':
    case 'incident.updated':
      return `incident: ${String(d.title ?? d.incidentId)}`;
    case 'artifact.stored':
      return `stored ${String(d.name)}`;
    default:
      return undefined;
  }
}

export function stepsOf(events: LedgerEvent[]): StepView[] {
  const steps: StepView[] = [];
  for (const e of events) {
    const d = e.data ?? {};
    const name = typeof d.step === 'string' ? d.step : undefined;
    if (!name) continue;
    if (e.type === 'agent.step.started') {
      steps.push({ step: name, agent: String(d.agent), status: 'running', notes: [] });
      continue;
    }
    const current = [...steps].reverse().find((s) => s.step === name);
    if (!current) continue;
    if (e.type === 'agent.step.finished') Object.assign(current, { status: 'done', outcome: String(d.outcome ?? ''), durationMs: Number(d.durationMs ?? 0) });
    else if (e.type === 'agent.step.failed') Object.assign(current, { status: 'failed', outcome: String(d.error ?? '') });
    else {
      const note = noteOf(e);
      if (note) current.notes.push(note);
    }
  }
  return steps;
}
