import type { AnalysisContext } from './context.js';

/**
 * A lookup of a short name (`api`) that fails while a Service of that name exists in another
 * namespace: a short name resolves only in the caller's own namespace (the resolv.conf search
 * list), so the cause is the address, not DNS. Returns the sentence that says so, or undefined.
 */
export function shortNameHint(ctx: AnalysisContext, host: string | undefined, namespace: string | undefined): string | undefined {
  if (!host || host.includes('.') || host.includes(':')) return undefined;
  const services = ctx.snapshot.services.filter((s) => s.metadata?.name === host);
  if (services.length === 0 || services.some((s) => namespace !== undefined && s.metadata?.namespace === namespace)) return undefined;
  const where = [...new Set(services.map((s) => s.metadata?.namespace).filter((n): n is string => Boolean(n)))];
  if (where.length === 0) return undefined;
  return `Service ${host} exists in namespace ${where.join(', ')}; a short name resolves only inside the caller's own namespace, so call it ${host}.${where[0]} (${host}.${where[0]}.svc.cluster.local)`;
}
