import type { Access } from '../../access/access.js';
import { listAudit } from '../../access/audit.js';
import type { Role } from '../../access/permissions.js';
import type { Principal } from '../../access/principal.js';
import { createUser, listUsers, updateUser, type UpdateUserInput, type User } from '../../access/users.js';
import { SyntraError } from '../../domain/errors.js';
import { auditRequest, requirePrincipal, type Caller } from '../plugins/auth.js';

/** Users and the audit trail for every transport. */
export interface InviteUserBody {
  email: string;
  password: string;
  roles: Role[];
  namespaces?: string[] | null | undefined;
}

export interface UpdateUserBody {
  roles?: Role[] | undefined;
  namespaces?: string[] | null | undefined;
  status?: 'active' | 'suspended' | undefined;
}

export async function inviteUser(access: Access, caller: Caller, body: InviteUserBody): Promise<User> {
  const user = await createUser(access.db, { email: body.email, password: body.password, roles: body.roles, ...(body.namespaces !== undefined ? { namespaces: body.namespaces } : {}) });
  await auditRequest(access, caller, { action: 'user.create', result: 'ok', target: user.id, details: { email: user.email, roles: user.roles } });
  return user;
}

export async function usersPage(access: Access, q: { limit?: number | undefined; cursor?: string | undefined }): Promise<{ items: User[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const users = await listUsers(access.db, { limit: limit + 1, ...(q.cursor ? { after: q.cursor } : {}) });
  const page = users.slice(0, limit);
  return { items: page, nextCursor: users.length > limit ? page[page.length - 1]!.id : null };
}

/** Roles, namespaces, status; nobody locks themselves out; suspending ends every session. */
export async function changeUser(access: Access, caller: Caller, userId: string, body: UpdateUserBody): Promise<User> {
  const principal = requirePrincipal(caller);
  if (userId === principal.userId && (body.status === 'suspended' || (body.roles && !body.roles.includes('admin')))) {
    throw new SyntraError('conflict', 'you cannot suspend yourself or drop your own admin role');
  }
  const input = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as UpdateUserInput;
  const user = await updateUser(access.db, userId, input);
  if (user.status === 'suspended') await access.sessions.endAll(user.id);
  await auditRequest(access, caller, { action: body.status === 'suspended' ? 'user.suspend' : 'user.update', result: 'ok', target: user.id, details: { ...input } });
  return user;
}

export interface AuditFilter {
  actor?: string | undefined;
  actorType?: 'user' | 'key' | 'anonymous' | 'system' | undefined;
  action?: string | undefined;
  result?: 'ok' | 'denied' | 'failed' | undefined;
  target?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** A caller limited to namespaces sees its namespaces' events and its own actions only. */
export function visibleAudit(access: Access, principal: Principal, q: AuditFilter) {
  return listAudit(access.db, {
    ...(principal.namespaces === null ? {} : { visibleTo: { namespaces: principal.namespaces, ownActorIds: [principal.id, principal.userId] } }),
    ...(q.actor ? { actorId: q.actor } : {}),
    ...(q.actorType ? { actorType: q.actorType } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.result ? { result: q.result } : {}),
    ...(q.target ? { target: q.target } : {}),
    ...(q.since ? { since: new Date(q.since) } : {}),
    ...(q.until ? { until: new Date(q.until) } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    limit: q.limit ?? 50,
  });
}
