/**
 * Every subject Syntra uses, in one place.
 * - syntra.wake.<taskType>       wakeups, from the outbox relay (JetStream stream SYNTRA_WAKEUPS)
 * - syntra.run.<runId>.cancel    a run was cancelled: workers abort its handlers (core NATS)
 * - syntra.run.<runId>.events    new ledger events committed: SSE streams re-read (core NATS)
 * - syntra.ctrl.>                control invalidations (core NATS)
 */
export const WAKE_PREFIX = 'syntra.wake.';
export const WAKE_ALL = 'syntra.wake.>';
export const RUN_CANCEL_ALL = 'syntra.run.*.cancel';
export const CTRL_ALL = 'syntra.ctrl.>';

export const taskWakeupSubject = (taskType: string): string => `${WAKE_PREFIX}${taskType}`;
export const runCancelSubject = (runId: string): string => `syntra.run.${runId}.cancel`;
export const runEventsSubject = (runId: string): string => `syntra.run.${runId}.events`;

export const isWakeSubject = (subject: string): boolean => subject.startsWith(WAKE_PREFIX);

/** The run id inside syntra.run.<id>.<what>, or undefined. */
export function runIdOf(subject: string): string | undefined {
  const parts = subject.split('.');
  return parts.length === 4 && parts[0] === 'syntra' && parts[1] === 'run' ? parts[2] : undefined;
}

/** Task types become subject tokens: letters, digits, _ - : and dots between words. */
export const TASK_TYPE_PATTERN = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;
