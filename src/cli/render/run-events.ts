import type { RunEvent } from '../client/sse.js';
import type { Terminal } from '../output/terminal.js';
import { clockTime, duration } from './formatting.js';

/**
 * One line per ledger event while a run is followed. The control plane's own events (run and
 * task lifecycle) read as steps; agent events (`agent`, `step`, `tool`, `summary`, …) as what
 * the agent did. Unknown shapes still get a line with their type.
 */
export class RunEventPrinter {
  readonly #taskTypes = new Map<string, string>();
  readonly #startedAt = new Map<string, string>();
  /** Agent runs narrate their own steps; the queue's task lifecycle would repeat them. */
  #agentRun = false;

  constructor(private readonly term: Terminal) {}

  /** The line for an event, or undefined for noise (queued bookkeeping). */
  line(e: RunEvent): string | undefined {
    const c = this.term.color;
    const data = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
    const task = e.taskId ? this.#taskTypes.get(e.taskId) : undefined;
    const at = c.dim(clockTime(e.createdAt));
    const say = (mark: string, text: string) => `${at} ${mark} ${text}`;
    switch (e.type) {
      case 'run.queued':
        if (data.kind === 'ask') this.#agentRun = true;
        return say(c.dim('·'), `queued ${c.dim(String(data.kind ?? ''))}`.trimEnd());
      case 'task.queued':
        if (e.taskId && typeof data.taskType === 'string') this.#taskTypes.set(e.taskId, data.taskType);
        return undefined;
      case 'run.started':
        return undefined;
      case 'task.started':
        if (e.taskId) this.#startedAt.set(e.taskId, e.createdAt);
        if (this.#agentRun) return undefined;
        return say(c.cyan('▸'), `${task ?? 'task'}${Number(data.attempt) > 1 ? c.dim(` (attempt ${String(data.attempt)})`) : ''}`);
      case 'task.succeeded': {
        if (this.#agentRun) return undefined;
        const started = e.taskId ? this.#startedAt.get(e.taskId) : undefined;
        const took = started ? c.dim(` ${duration(Date.parse(e.createdAt) - Date.parse(started))}`) : '';
        return say(c.green('✓'), `${task ?? 'task'} done${took}`);
      }
      case 'task.retrying':
        return say(c.yellow('↻'), `${task ?? 'task'} will retry: ${errorText(data)}`);
      case 'task.failed':
        return say(c.red('✗'), `${task ?? 'task'} failed: ${errorText(data)}`);
      case 'task.cancelled':
        return say(c.yellow('■'), `${task ?? 'task'} cancelled`);
      case 'task.lease_expired':
      case 'task.released':
        return say(c.yellow('↻'), `${task ?? 'task'} handed to another worker`);
      case 'run.succeeded':
        return say(c.green('●'), c.green('run succeeded'));
      case 'run.failed':
        return say(c.red('●'), c.red(`run failed: ${errorText(data)}`));
      case 'run.cancelled':
        return say(c.yellow('●'), c.yellow(`run cancelled${typeof data.reason === 'string' ? `: ${data.reason}` : ''}`));
      case 'agent.step.started':
        this.#agentRun = true;
        return say(c.cyan('▸'), `${c.bold(String(data.agent ?? 'agent'))} ${String(data.step ?? '')}${Number(data.attempt) > 1 ? c.dim(` (attempt ${String(data.attempt)})`) : ''}`);
      case 'agent.step.finished': {
        const outcome = str(data.outcome);
        const took = typeof data.durationMs === 'number' ? c.dim(` ${duration(data.durationMs)}`) : '';
        return say(c.green('✓'), `${c.bold(String(data.agent ?? 'agent'))} ${String(data.step ?? '')}${outcome ? ` → ${outcome}` : ''}${took}`);
      }
      case 'agent.step.failed':
        return say(c.red('✗'), `${c.bold(String(data.agent ?? 'agent'))} ${String(data.step ?? '')} failed: ${errorText(data)}`);
      case 'tool.call': {
        const args = data.arguments ?? data.args;
        const argText = args && typeof args === 'object' ? c.dim(` ${compactArgs(args as Record<string, unknown>)}`) : '';
        const took = typeof data.durationMs === 'number' ? c.dim(` ${duration(data.durationMs)}`) : '';
        const failed = data.ok === false ? c.red(` failed${typeof data.error === 'string' ? `: ${data.error}` : ''}`) : '';
        return say(c.dim('  ↳'), `${c.cyan(String(data.tool ?? 'tool'))}${argText}${took}${failed}`);
      }
      case 'plan.created': {
        const steps = Array.isArray(data.steps) ? ` → ${(data.steps as unknown[]).map(String).join(', ')}` : '';
        const params = data.params && typeof data.params === 'object' ? c.dim(` ${compactArgs(data.params as Record<string, unknown>)}`) : '';
        return say(c.dim('  ↳'), `plan: ${String(data.intent ?? '?')}${params}${steps}`);
      }
      case 'decision': {
        const extra = Array.isArray(data.required_info)
          ? `: needs ${(data.required_info as unknown[]).join(', ')}`
          : str(data.reason)
            ? `: ${String(data.reason)}${str(data.fallback) ? ` → ${String(data.fallback)}` : ''}`
            : str(data.next)
              ? ` → ${String(data.next)}`
              : '';
        return say(c.dim('  ↳'), `decision: ${String(data.decision ?? '?')}${extra}`);
      }
      case 'control.snapshot':
      case 'report.answer':
        return undefined;
      case 'evidence.connectivity':
        return say(c.dim('  ↳'), data.ok === false ? c.red(`cluster unreachable: ${errorText(data)}`) : `cluster reachable: ${String(data.source ?? '')}`);
      case 'artifact.stored':
        return say(c.dim('  ↳'), `stored ${String(data.name ?? 'artifact')}${data.version !== undefined ? ` v${String(data.version)}` : ''}`);
      case 'evidence.summary': {
        const pods = Array.isArray(data.pods) ? (data.pods as unknown[]).map(String) : [];
        return say(c.dim('  ↳'), `evidence: ${pods.slice(0, 3).join('; ')}${pods.length > 3 ? c.dim(` (+${pods.length - 3})`) : ''}` || 'evidence collected');
      }
      case 'analysis.findings': {
        const findings = Array.isArray(data.findings) ? (data.findings as Array<{ type?: string; confidence?: number }>) : [];
        return say(c.dim('  ↳'), `findings: ${findings.slice(0, 4).map((f) => `${String(f.type)} ${typeof f.confidence === 'number' ? `${Math.round(f.confidence * 100)}%` : ''}`.trim()).join(', ') || 'none'}`);
      }
      case 'review.check':
        return say(c.dim('  ↳'), `${data.ok === false ? c.red('✗') : c.green('✓')} ${String(data.detail ?? data.name ?? 'check')}`);
      case 'review.write_command':
        return say(c.dim('  ↳'), `${c.yellow('write needs approval:')} ${String(data.command ?? '')}`);
      case 'incident.created':
      case 'incident.updated':
        return say(c.dim('  ↳'), `${e.type === 'incident.created' ? 'new incident' : 'incident updated'}: ${String(data.title ?? data.incidentId ?? '')}${Number(data.occurrences) > 1 ? c.dim(` (seen ${String(data.occurrences)} times)`) : ''}`);
      default:
        return say(c.dim('  ↳'), agentText(this.term, e.type, data));
    }
  }
}

function errorText(data: Record<string, unknown>): string {
  const err = data.error as { message?: string } | string | undefined;
  if (typeof err === 'string') return err;
  if (err && typeof err.message === 'string') return err.message;
  if (typeof data.message === 'string') return data.message;
  return 'no reason given';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);

/** `type: what happened (tool args) 120ms` from whichever of those fields an agent event has. */
function agentText(term: Terminal, type: string, data: Record<string, unknown>): string {
  const c = term.color;
  const tool = str(data.tool);
  const what =
    str(data.message) ?? str(data.summary) ?? str(data.detail) ?? str(data.reason) ?? str(data.title) ?? str(data.text) ?? str(data.decision) ?? str(data.name) ?? str(data.command) ?? str(data.status);
  const took = typeof data.durationMs === 'number' ? c.dim(` ${duration(data.durationMs)}`) : '';
  const parts = [`${type.replace(/\./g, ' ')}${what || tool ? ':' : ''}`, tool ? c.cyan(tool) : undefined, what].filter(Boolean);
  return `${parts.join(' ')}${took}`;
}

function compactArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
