import { SyntraError } from '../../domain/errors.js';
import type { HandlerResult, TaskContext } from '../registry.js';

/**
 * `sleep`: waits `ms` milliseconds (default 1000, at most an hour), honouring the AbortSignal.
 * For exercising retries: `failTimes: n` fails the first n attempts (`retryable: false` makes
 * that failure final); `ignoreAbort: true` keeps sleeping after an abort, like a badly behaved handler.
 */
export async function sleepHandler(ctx: TaskContext): Promise<HandlerResult> {
  const input = (ctx.input ?? {}) as { ms?: unknown; failTimes?: unknown; retryable?: unknown; ignoreAbort?: unknown };
  const ms = Math.min(Math.max(Number(input.ms ?? 1000) || 0, 0), 3_600_000);
  const failTimes = Math.max(0, Number(input.failTimes ?? 0) || 0);
  if (ctx.item.attempt <= failTimes) {
    throw new SyntraError('handler_failed', `sleep told to fail attempt ${ctx.item.attempt} of the first ${failTimes}`, {
      retryable: input.retryable !== false,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    const onAbort = () => {
      if (input.ignoreAbort === true) return;
      clearTimeout(timer);
      reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new SyntraError('cancelled', 'sleep aborted'));
    };
    function done() {
      ctx.signal.removeEventListener('abort', onAbort);
      resolve();
    }
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  return { output: { sleptMs: ms } };
}
