import { AGENT_TASK_TYPES } from '../agents/index.js';
import { hasPermission, namespaceForSubmit, type Principal } from '../access/principal.js';
import { SyntraError } from '../domain/errors.js';

/**
 * Who may start which run, in which namespace — the same rules for POST /v1/commands/submit and
 * POST /api/ask. A run reads only its own namespace (the agents enforce that), so the namespace
 * it gets here is the boundary of everything it will read.
 */
const INVESTIGATION_KINDS: ReadonlySet<string> = new Set(AGENT_TASK_TYPES);

/** Any run of the investigation pipeline reads the cluster: it needs kubernetes:read too. */
export function assertMayRunKind(principal: Principal | null, kind: string): void {
  if (principal && INVESTIGATION_KINDS.has(kind) && !hasPermission(principal, 'kubernetes:read')) {
    throw new SyntraError('forbidden', `missing permission kubernetes:read: a ${kind} run reads the cluster`, { details: { permission: 'kubernetes:read' } });
  }
}

/**
 * The run's namespace: the one the body names, else the one its input names (an `ask` names the
 * namespace to investigate there), else the caller's only one. A namespace the caller may not
 * read is 403 with the reason; an input naming another namespace than the run's is refused, so
 * a run can never be about a namespace other than its own.
 */
export function submitNamespace(principal: Principal | null, named: string | undefined, input: Record<string, unknown>): string | undefined {
  const inInput = typeof input.namespace === 'string' ? input.namespace : undefined;
  if (inInput !== undefined && named !== undefined && inInput !== named) {
    throw new SyntraError('validation_failed', `input.namespace ("${inInput}") and namespace ("${named}") differ: a run reads only its own namespace`, {
      details: { fields: [{ field: 'body.input.namespace', problem: 'differs from body.namespace' }] },
    });
  }
  return namespaceForSubmit(principal, named ?? inInput);
}
