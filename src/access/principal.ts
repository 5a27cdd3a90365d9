import { SyntraError } from '../domain/errors.js';
import type { KeyType, Permission } from './permissions.js';

/** Who is calling, resolved from an API key or an access token. */
export interface Principal {
  readonly type: 'user' | 'key';
  /** The user id for sessions, the key id for API keys. */
  readonly id: string;
  /** The human behind it (the key's owner for keys). */
  readonly userId: string;
  readonly email: string;
  readonly roles: readonly string[];
  readonly permissions: readonly Permission[];
  /** null: every namespace. */
  readonly namespaces: readonly string[] | null;
  readonly keyType: KeyType | null;
  /** Per-key rate-limit overrides, when the key has them. */
  readonly rateLimit?: { perMinute?: number; perHour?: number };
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

/**
 * Whether the principal may see a resource in `namespace`. A namespace-limited principal
 * sees only resources inside its namespaces, never cluster-wide (namespace-less) ones.
 */
export function canAccessNamespace(principal: Principal | null, namespace: string | null | undefined): boolean {
  if (!principal) return false;
  if (principal.namespaces === null) return true;
  return namespace != null && principal.namespaces.includes(namespace);
}

/**
 * For single resources: another namespace's resource answers exactly like a missing one
 * (404), so ids cannot be probed for existence.
 */
export function assertNamespaceVisible(principal: Principal | null, namespace: string | null | undefined, what = 'resource'): void {
  if (!canAccessNamespace(principal, namespace)) throw new SyntraError('not_found', `${what} not found`);
}

/** For listings: the namespaces to filter by, or undefined for "no filter". */
export function namespaceFilter(principal: Principal | null): string[] | undefined {
  if (!principal) return [];
  return principal.namespaces === null ? undefined : [...principal.namespaces];
}

/**
 * The namespace a new run gets when this principal submits. A namespace-limited caller must
 * stay inside its namespaces (its only one is the default); naming another is 403 — the caller
 * named it, so no stored resource's existence is revealed by saying no.
 */
export function namespaceForSubmit(principal: Principal | null, requested: string | undefined): string | undefined {
  if (!principal || principal.namespaces === null) return requested;
  if (requested === undefined) {
    if (principal.namespaces.length === 1) return principal.namespaces[0];
    throw new SyntraError('validation_failed', `namespace is required: this caller is limited to ${principal.namespaces.join(', ') || 'no namespaces'}`, {
      details: { fields: [{ field: 'body.namespace', problem: 'is required for a namespace-limited caller' }] },
    });
  }
  if (!principal.namespaces.includes(requested)) {
    throw new SyntraError('forbidden', `namespace "${requested}" is outside this caller's namespaces`, { details: { namespace: requested } });
  }
  return requested;
}
