/**
 * Whether the signed-in caller may approve or reject an action, as the server decides it
 * (src/agents/actions/approvals.ts), so the panel explains a refusal instead of offering a button
 * that fails. The server still decides: this only chooses what to show.
 */
export interface Caller {
  userId: string;
  permissions: string[];
  namespaces: string[] | null;
  keyType: string | null;
}
export interface Decidable {
  status: string;
  namespace: string | null;
  requestedByUser: string | null;
  expired: boolean;
}

/** null: the caller may decide; otherwise why not, in words. */
export function whyNotDecide(a: Decidable, me: Caller): string | null {
  if (a.status !== 'pending_approval') return a.status === 'proposed' ? 'Its dry-run has not run yet: it can be decided once the executor has dry-run it.' : `It is ${a.status.replace(/_/g, ' ')}: nothing left to decide.`;
  if (a.expired) return 'Its approval window has expired: propose it again.';
  if (!me.permissions.includes('kubernetes:write')) return 'Your role may not approve or reject actions (needs kubernetes:write).';
  if (me.keyType === 'test') return 'A sk_test_ key never approves or rejects actions.';
  if (a.namespace === null && me.namespaces !== null) return 'It acts on a node (cluster-scoped): deciding it needs kubernetes:write over every namespace.';
  if (a.requestedByUser !== null && a.requestedByUser === me.userId) return 'You proposed it: another person with kubernetes:write must approve or reject it.';
  return null;
}
