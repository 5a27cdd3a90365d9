import type { HandlerResult, TaskContext } from '../registry.js';

/**
 * `echo`: returns its input as output. `input.then` (a list of inputs) chains follow-up echo
 * tasks, one per step, so the whole path — follow-ups included — is usable without the investigator.
 */
export async function echoHandler(ctx: TaskContext): Promise<HandlerResult> {
  const input = (ctx.input ?? {}) as Record<string, unknown>;
  const rest = Array.isArray(input.then) ? (input.then as unknown[]) : [];
  if (rest.length === 0) return { output: input };
  const [next, ...later] = rest;
  const nextInput: Record<string, unknown> = typeof next === 'object' && next !== null && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : { value: next };
  if (later.length > 0) nextInput.then = later;
  return { output: input, followUps: [{ taskType: 'echo', input: nextInput }] };
}
