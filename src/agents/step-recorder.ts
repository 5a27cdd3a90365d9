import type { TaskEvent } from '../control-plane/types.js';
import type { TaskContext } from '../worker/registry.js';
import type { AgentName } from './steps.js';
import { countModelCall } from '../control-plane/metrics.js';
import type { ModelCallLedgerPayload } from '../llm/usage.js';

/** The ledger event of one model call (its payload: usageLedgerPayload); also counted in the metrics. */
export const MODEL_CALL = 'model.call';

/**
 * The ledger trail of one agent step, written so a person can follow it: `agent.step.started`
 * commits at once (clients following the run see the step begin), the step's own events
 * (tool calls, evidence summary, findings, decisions) are buffered and commit together with the
 * task's completion — one transaction instead of one per event — and `agent.step.finished`
 * closes the step with its duration. When the step fails, the buffered events are still
 * appended, so the ledger says how far it got.
 */

export class StepRecorder {
  private readonly events: TaskEvent[] = [];
  private readonly startedAt = performance.now();

  constructor(
    private readonly ctx: TaskContext,
    readonly agent: AgentName,
    readonly step: string,
  ) {}

  async start(data: Record<string, unknown> = {}): Promise<void> {
    await this.ctx.appendEvent('agent.step.started', { agent: this.agent, step: this.step, attempt: this.ctx.item.attempt, ...data });
  }

  /** Buffers one event of this step; `agent` and `step` are added so every event says whose it is. */
  record(type: string, data: Record<string, unknown> = {}): void {
    if (type === MODEL_CALL) countModelCall(data as unknown as ModelCallLedgerPayload);
    this.events.push({ type, data: { agent: this.agent, step: this.step, ...data } });
  }

  /** Commits an event now (for long steps: tool calls a person should see while they happen). */
  async now(type: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.ctx.appendEvent(type, { agent: this.agent, step: this.step, ...data });
  }

  get elapsedMs(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  /** The buffered events plus `agent.step.finished`, for HandlerResult.events. */
  finish(data: Record<string, unknown> = {}): TaskEvent[] {
    return [...this.events, { type: 'agent.step.finished', data: { agent: this.agent, step: this.step, durationMs: this.elapsedMs, ...data } }];
  }

  /** On failure: commit what was buffered and an `agent.step.failed`, best effort (the lease may be gone). */
  async fail(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    try {
      for (const e of this.events.splice(0)) await this.ctx.appendEvent(e.type, e.data);
      await this.ctx.appendEvent('agent.step.failed', {
        agent: this.agent,
        step: this.step,
        durationMs: this.elapsedMs,
        error: message,
        ...(typeof code === 'string' ? { code } : {}),
      });
    } catch {
      // Aborted or lease lost: the queue records the failure; nothing more to say here.
    }
  }
}

/** Runs one step with its recorder; failures are recorded, then rethrown for the queue to retry. */
export async function runStep<T>(recorder: StepRecorder, startData: Record<string, unknown>, work: () => Promise<T>): Promise<T> {
  await recorder.start(startData);
  try {
    return await work();
  } catch (e) {
    await recorder.fail(e);
    throw e;
  }
}
