import { SyntraError } from '../domain/errors.js';
import { redactDeep } from '../domain/secrets/index.js';
import { TASK_TYPE_PATTERN } from '../bus/subjects.js';
import type { SubmitInput } from './types.js';

/**
 * A submission with every default filled in: what is stored and what idempotency compares.
 * Input and metadata are masked here, before anything is stored: a secret pasted into a
 * question (`password=…`, a token) would otherwise be copied into the command, the run, its
 * tasks, the ledger and the event stream. The unmasked text is kept nowhere.
 */
export interface CompiledSubmit {
  kind: string;
  input: Record<string, unknown>;
  namespace: string | null;
  priority: number;
  maxAttempts: number;
  timeoutSeconds: number;
  metadata: Record<string, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function intIn(name: string, v: number | undefined, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new SyntraError('validation_failed', `${name} must be an integer between ${min} and ${max}`, { details: { field: name } });
  }
  return v;
}

export function compileSubmit(raw: SubmitInput): CompiledSubmit {
  if (typeof raw.kind !== 'string' || raw.kind.length > 200 || !TASK_TYPE_PATTERN.test(raw.kind)) {
    throw new SyntraError('validation_failed', 'kind must be a task type: letters, digits, _ - : and dots between words (at most 200)', {
      details: { field: 'kind' },
    });
  }
  if (!isPlainObject(raw.input)) {
    throw new SyntraError('validation_failed', 'input must be a JSON object', { details: { field: 'input' } });
  }
  if (raw.metadata !== undefined && !isPlainObject(raw.metadata)) {
    throw new SyntraError('validation_failed', 'metadata must be a JSON object', { details: { field: 'metadata' } });
  }
  if (raw.namespace !== undefined && (typeof raw.namespace !== 'string' || raw.namespace.length < 1 || raw.namespace.length > 253)) {
    throw new SyntraError('validation_failed', 'namespace must be a string of 1 to 253 characters', { details: { field: 'namespace' } });
  }
  return {
    kind: raw.kind,
    input: redactDeep(raw.input).value,
    namespace: raw.namespace ?? null,
    priority: intIn('priority', raw.priority, 0, -1000, 1000),
    maxAttempts: intIn('maxAttempts', raw.maxAttempts, 3, 1, 100),
    timeoutSeconds: intIn('timeoutSeconds', raw.timeoutSeconds, 300, 1, 86_400),
    metadata: redactDeep(raw.metadata ?? {}).value,
  };
}
