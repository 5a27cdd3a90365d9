import { useState, type FormEvent } from 'react';
import { gql, type ApiError, type Me } from '../api';
import { whyNotDecide } from '../action-rights';
import { useQuery } from '../hooks';
import { asApiError, Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';

interface Target {
  kind: string;
  name: string;
  namespace: string | null;
}
interface ActionRow {
  id: string;
  status: string;
  risk: string;
  action: string;
  target: Target;
  namespace: string | null;
  requestedBy: string;
  requestedByUser: string | null;
  expiresAt: string;
  expired: boolean;
  destructive: string | null;
  executor: { serving: boolean; message: string | null } | null;
}
interface ActionDetailView extends ActionRow {
  params: Record<string, unknown>;
  reason: string;
  expectedEffect: string;
  verificationPlan: string;
  createdAt: string;
  rootCauseType: string | null;
  sourceRunId: string | null;
  proposalRunId: string | null;
  executionRunId: string | null;
  dryRun: { diff: { path: string; before: unknown; after: unknown }[]; resourceVersion: string; at: string; error: string | null } | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  approvedByPolicy: string | null;
  verification: Record<string, unknown> | null;
}
interface PolicyRule {
  id: string;
  actions: string[];
  namespaces: string[];
  rootCauses: string[];
  maxPerHourPerWorkload: number;
  active: boolean;
  notes: string[];
}

const ROW = 'id status risk action target { kind name namespace } namespace requestedBy requestedByUser expiresAt expired destructive executor { serving message }';
const STATUSES = ['pending_approval', 'proposed', 'dry_run_failed', 'approved', 'rejected', 'expired', 'executing', 'failed', 'verified', 'verification_failed'];

const targetText = (t: Target) => `${t.kind.toLowerCase()}/${t.name}${t.namespace ? ` in ${t.namespace}` : ' (cluster-scoped)'}`;
const json = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** Action requests of the caller's namespaces (filter by status) and the self-healing policies. */
export function Actions({ allowed }: { allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="kubernetes:read" what="see actions" />;
  return <ActionList />;
}

function ActionList() {
  const [status, setStatus] = useState('');
  const list = useQuery<{ actions: { items: ActionRow[] } }>(`query($status: String) { actions(status: $status, limit: 100) { items { ${ROW} } } }`, status ? { status } : {});
  const rows = list.data?.actions.items ?? [];
  return (
    <section>
      <h1>Actions</h1>
      <p className="muted">Writes Syntra proposes to the cluster. Each is dry-run by the executor, then waits for a person (or a self-healing policy) to approve it before it expires.</p>
      <div className="row">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : rows.length === 0 && !list.error ? (
        <Empty>{status ? `No action is ${status.replace(/_/g, ' ')}.` : 'No action has been proposed yet.'}</Empty>
      ) : (
        rows.length > 0 && (
          <table data-testid="actions">
            <thead>
              <tr>
                <th>Status</th>
                <th>Risk</th>
                <th>Action</th>
                <th>Target</th>
                <th>Requested by</th>
                <th>Expires</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-action={a.id}>
                  <td data-testid="action-status">
                    {a.status.replace(/_/g, ' ')}
                    {a.expired && ' (expired)'}
                  </td>
                  <td>
                    {a.risk}
                    {a.destructive && <strong> · destructive</strong>}
                  </td>
                  <td>
                    <a href={`#/actions/${a.id}`}>{a.action}</a>
                  </td>
                  <td>{targetText(a.target)}</td>
                  <td>{a.requestedBy}</td>
                  <td>
                    {when(a.expiresAt)}
                    {a.executor && !a.executor.serving && (
                      <div className="notice" data-testid="no-executor">
                        {a.executor.message}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <Policies />
    </section>
  );
}

/** The self-healing rules: which are active now, and why a rule approves nothing (a freeze window, a risk too high). */
function Policies() {
  const q = useQuery<{ actionPolicies: { controlVersion: number; selfHealing: boolean; rules: PolicyRule[] } }>(
    '{ actionPolicies { controlVersion selfHealing rules { id actions namespaces rootCauses maxPerHourPerWorkload active notes } } }',
  );
  const p = q.data?.actionPolicies;
  return (
    <>
      <h2>Self-healing policies</h2>
      <ErrorNote error={q.error} />
      {q.loading && !p ? (
        <Loading />
      ) : (
        p && (
          <>
            <p data-testid="self-healing">
              {p.selfHealing ? 'Self-healing is on: the active rules below approve low-risk actions a diagnosis proposed, without a person.' : 'Self-healing is off: every action waits for a person.'}{' '}
              <span className="muted">(control registry version {p.controlVersion}; rules are the arbiter policies' autoApprove)</span>
            </p>
            {p.rules.length === 0 ? (
              <Empty>No arbiter policy has autoApprove rules.</Empty>
            ) : (
              <table data-testid="policies">
                <thead>
                  <tr>
                    <th>Rule</th>
                    <th>Actions</th>
                    <th>Namespaces</th>
                    <th>Root causes</th>
                    <th>At most per hour per workload</th>
                    <th>Active</th>
                  </tr>
                </thead>
                <tbody>
                  {p.rules.map((r) => (
                    <tr key={r.id}>
                      <td>{r.id}</td>
                      <td>{r.actions.join(', ')}</td>
                      <td>{r.namespaces.join(', ')}</td>
                      <td>{r.rootCauses.join(', ')}</td>
                      <td>{r.maxPerHourPerWorkload}</td>
                      <td>
                        {r.active ? 'active' : 'inactive'}
                        {r.notes.length > 0 && <div className="muted">{r.notes.join('; ')}</div>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )
      )}
    </>
  );
}

const DETAIL = `query($id: String!) { action(id: $id) { ${ROW} params reason expectedEffect verificationPlan createdAt rootCauseType sourceRunId proposalRunId executionRunId
  dryRun { diff { path before after } resourceVersion at error } decidedBy decidedAt decisionReason approvedByPolicy verification } }`;

/** One action: what it changes (the dry-run's diff), who asked and why, the decision, the Reviewer's verification; approve or reject. */
export function ActionDetail({ id, me, allowed }: { id: string; me: Me; allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="kubernetes:read" what="see actions" />;
  return <ActionPage id={id} me={me} />;
}

function ActionPage({ id, me }: { id: string; me: Me }) {
  const q = useQuery<{ action: ActionDetailView | null }>(DETAIL, { id });
  if (q.loading && !q.data) return <Loading />;
  const a = q.data?.action;
  if (!a) return <ErrorNote error={q.error} />;
  const whyNot = whyNotDecide(a, me);
  return (
    <section>
      <p>
        <a href="#/actions">← Actions</a>
      </p>
      <h1>
        {a.action} {targetText(a.target)}
      </h1>
      <p>
        Status <strong data-testid="action-status">{a.status.replace(/_/g, ' ')}</strong> · risk {a.risk}
        {a.destructive && <strong> · destructive: {a.destructive}</strong>} · expires {when(a.expiresAt)}
        {a.expired && ' (expired)'}
      </p>
      {a.executor && !a.executor.serving && (
        <p className="notice" data-testid="no-executor">
          {a.executor.message}
        </p>
      )}
      <p>
        Requested by {a.requestedBy} on {when(a.createdAt)}: {a.reason}
        {a.rootCauseType && <> (diagnosis: {a.rootCauseType})</>}
        {a.sourceRunId && (
          <>
            {' '}
            · <a href={`#/runs/${a.sourceRunId}`}>the run that proposed it</a>
          </>
        )}
      </p>
      <p>
        Parameters <code>{json(a.params)}</code>
      </p>
      <p>Expected effect: {a.expectedEffect}</p>
      <p>Verified by: {a.verificationPlan}</p>
      <h2>Dry-run</h2>
      {!a.dryRun ? (
        <Empty>Not dry-run yet: the executor reads the object and sends the request with dryRun=All first.</Empty>
      ) : a.dryRun.error ? (
        <p className="error" role="alert">
          The API server refused the dry-run: {a.dryRun.error}
        </p>
      ) : a.dryRun.diff.length === 0 ? (
        <Empty>The dry-run changes nothing.</Empty>
      ) : (
        <table data-testid="dry-run-diff">
          <caption className="muted">
            At {when(a.dryRun.at)}, resourceVersion {a.dryRun.resourceVersion}: an approval applies only to this version of the object.
          </caption>
          <thead>
            <tr>
              <th>Field</th>
              <th>Now</th>
              <th>After</th>
            </tr>
          </thead>
          <tbody>
            {a.dryRun.diff.map((d) => (
              <tr key={d.path}>
                <td>
                  <code>{d.path}</code>
                </td>
                <td>
                  <code>{json(d.before)}</code>
                </td>
                <td>
                  <code>{json(d.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Decision</h2>
      {a.decidedBy ? (
        <p data-testid="decision">
          {a.approvedByPolicy ? `Approved by self-healing policy ${a.approvedByPolicy}` : `Decided by ${a.decidedBy}`} on {when(a.decidedAt)}: {a.decisionReason}
        </p>
      ) : whyNot ? (
        <p className="notice" data-testid="not-allowed">
          {whyNot}
        </p>
      ) : (
        <DecisionForm id={id} destructive={a.destructive} isAdmin={me.roles.includes('admin')} onDone={q.reload} />
      )}
      {a.executionRunId && (
        <p>
          <a href={`#/runs/${a.executionRunId}`}>The execution's run</a>
        </p>
      )}
      {a.verification && (
        <>
          <h2>Verification</h2>
          <pre data-testid="verification">{JSON.stringify(a.verification, null, 2)}</pre>
        </>
      )}
    </section>
  );
}

function DecisionForm({ id, destructive, isAdmin, onDone }: { id: string; destructive: string | null; isAdmin: boolean; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [allowDestructive, setAllowDestructive] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const decide = async (verb: 'approve' | 'reject') => {
    setError(undefined);
    setBusy(true);
    try {
      const vars: Record<string, unknown> = { id, reason };
      if (verb === 'approve' && allowDestructive) vars.allowDestructive = true;
      await gql(
        verb === 'approve'
          ? 'mutation($id: String!, $reason: String!, $allowDestructive: Boolean) { approveAction(id: $id, reason: $reason, allowDestructive: $allowDestructive) { id status } }'
          : 'mutation($id: String!, $reason: String!) { rejectAction(id: $id, reason: $reason) { id status } }',
        vars,
      );
      onDone();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void decide('approve');
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="decision">
      <label>
        Reason <input value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="postgres has no replica; auth-service needs it" />
      </label>
      {destructive &&
        (isAdmin ? (
          <label>
            <input type="checkbox" checked={allowDestructive} onChange={(e) => setAllowDestructive(e.target.checked)} /> I know this is destructive ({destructive}) and allow it
          </label>
        ) : (
          <p className="notice">This action is destructive ({destructive}): only an admin may approve it. You may reject it.</p>
        ))}
      <div className="row">
        <button type="submit" disabled={busy || !reason.trim()}>
          Approve
        </button>
        <button type="button" disabled={busy || !reason.trim()} onClick={() => void decide('reject')}>
          Reject
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}
