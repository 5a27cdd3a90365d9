import { ApiException } from '@kubernetes/client-node';
import { SyntraError, errorMessage } from '../../domain/errors.js';

/**
 * Turns what client-node throws into our errors, saying what to fix: the cluster could not be
 * reached (which server, why), or refused us (which verb on which resource, HTTP 401/403).
 */
export interface RequestDescription {
  verb: 'list' | 'get' | 'read log of';
  resource: string;
  namespace?: string | undefined;
}

interface StatusBody {
  message?: string;
  reason?: string;
}

function statusBody(body: unknown): StatusBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}

const where = (r: RequestDescription) => `${r.resource}${r.namespace ? ` in namespace ${r.namespace}` : ''}`;

/** Network-level causes from node-fetch (FetchError.code) and aborts. */
function networkCause(e: unknown): string | undefined {
  const err = e as { name?: string; code?: string; errno?: string; type?: string; message?: string; cause?: unknown };
  if (err?.name === 'AbortError') return 'request timed out or was cancelled';
  const code = err?.code ?? err?.errno;
  if (typeof code === 'string' && /^E[A-Z]+/.test(code)) return `${code}: ${err.message ?? ''}`.trim();
  if (err?.type === 'system' || err?.name === 'FetchError') return err.message;
  return undefined;
}

export function isHttpError(e: unknown, status: number): boolean {
  return e instanceof ApiException && e.code === status;
}

/** The SyntraError for a failed request: cluster_forbidden, cluster_unreachable, timeout, or cancelled. */
export function classifyRequestError(e: unknown, server: string, request: RequestDescription, signal?: AbortSignal): SyntraError {
  if (e instanceof SyntraError) return e;
  if (signal?.aborted) return new SyntraError('cancelled', `cancelled while trying to ${request.verb} ${where(request)}`, { cause: e });
  if (e instanceof ApiException) {
    const body = statusBody(e.body);
    if (e.code === 401) {
      return new SyntraError('cluster_forbidden', `unauthorized (HTTP 401) by ${server}: the credentials in the kubeconfig were rejected while trying to ${request.verb} ${where(request)}`, {
        cause: e, details: { status: 401, ...request },
      });
    }
    if (e.code === 403) {
      return new SyntraError('cluster_forbidden', `forbidden (HTTP 403): cannot ${request.verb} ${where(request)}${body.message ? ` — ${body.message}` : ''}`, {
        cause: e, details: { status: 403, ...request },
      });
    }
    return new SyntraError('cluster_unreachable', `${server} answered HTTP ${e.code} to ${request.verb} ${where(request)}${body.message ? `: ${body.message}` : ''}`, {
      cause: e, details: { status: e.code, ...request }, retryable: e.code >= 500 || e.code === 429,
    });
  }
  const cause = networkCause(e);
  if (cause?.startsWith('request timed out')) return new SyntraError('timeout', `${server} did not answer in time (${request.verb} ${where(request)})`, { cause: e });
  return new SyntraError('cluster_unreachable', `cannot reach the cluster at ${server}: ${cause ?? errorMessage(e)}`, { cause: e, details: { server } });
}
