/**
 * The permission catalogue and the role → permission map. Every route declares one of these
 * (or `self`, or `public: true`); nothing else grants access.
 */
export const PERMISSIONS = [
  'kubernetes:read',
  'kubernetes:write',
  'runs:read',
  'runs:write',
  'incident:read',
  'incident:create',
  'control:read',
  'control:write',
  'keys:manage',
  'users:manage',
  'audit:read',
  // Alert webhooks (Alertmanager, generic): record alerts and start their investigations. A
  // webhook credential is a key holding only this (see docs/alerts.md).
  'alerts:write',
  // Remote workers claiming, renewing, completing and failing queue items. Held only by worker
  // credentials (sk_worker_ keys): no role grants it, so no person or user key ever has it.
  'queue:work',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * Route declaration for "any authenticated principal, acting on itself" (who am I, my
 * password, my rate-limit windows, logout). It is not grantable and never appears in a token.
 */
export const SELF = 'self' as const;
export type RoutePermission = Permission | typeof SELF;

export const ROLES = ['admin', 'operator', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const READS: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':read'));

/** What worker credentials carry; never part of a role. */
export const WORKER_PERMISSIONS: readonly Permission[] = ['queue:work'];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  admin: PERMISSIONS.filter((p) => !WORKER_PERMISSIONS.includes(p)),
  operator: [
    'runs:read',
    'runs:write',
    'incident:read',
    'incident:create',
    'kubernetes:read',
    'kubernetes:write',
    'control:read',
    'control:write',
    'audit:read',
    'alerts:write',
  ],
  developer: ['runs:read', 'runs:write', 'incident:read', 'incident:create', 'kubernetes:read', 'control:read'],
  viewer: READS.filter((p) => p !== 'audit:read'),
});

export const isPermission = (p: string): p is Permission => (PERMISSIONS as readonly string[]).includes(p);
export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

/** Permissions that change state: a `sk_test_` key never holds or uses one of these. */
export function isWritePermission(p: string): boolean {
  return p === 'queue:work' || /:(write|create|manage)$/.test(p);
}

export function permissionsForRoles(roles: readonly string[]): Permission[] {
  const out = new Set<Permission>();
  for (const r of roles) if (isRole(r)) for (const p of ROLE_PERMISSIONS[r]) out.add(p);
  return PERMISSIONS.filter((p) => out.has(p));
}

export const KEY_TYPES = ['live', 'test', 'admin', 'worker'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/**
 * The most a key of each type may ever carry, whatever its owner holds. Worker keys carry the
 * queue protocol and nothing else; no other key type can carry it.
 */
export function keyTypeCeiling(type: KeyType): Permission[] {
  const userKey = PERMISSIONS.filter((p) => !WORKER_PERMISSIONS.includes(p));
  switch (type) {
    case 'admin':
      return userKey;
    case 'live':
      return userKey.filter((p) => p !== 'keys:manage' && p !== 'users:manage');
    case 'test':
      return userKey.filter((p) => !isWritePermission(p));
    case 'worker':
      return [...WORKER_PERMISSIONS];
  }
}

/**
 * What the owner's roles contribute to a key of this type. A worker key stands for a machine
 * an administrator enrolled, not for its owner: it needs an owner who may manage keys, and then
 * carries the queue permission (its reach is still bounded by the owner's namespaces).
 */
export function ownerGrantFor(type: KeyType, ownerRoles: readonly string[]): Permission[] {
  const owner = permissionsForRoles(ownerRoles);
  if (type !== 'worker') return owner;
  return owner.includes('keys:manage') ? [...WORKER_PERMISSIONS] : [];
}

/** Intersection of namespace scopes; null means "every namespace". */
export function intersectNamespaces(a: readonly string[] | null, b: readonly string[] | null): string[] | null {
  if (a === null) return b === null ? null : [...b];
  if (b === null) return [...a];
  return a.filter((n) => b.includes(n));
}
