import { useEffect, useState } from 'react';
import { gql, subscribe, type ApiError } from '../api';
import { useQuery } from '../hooks';
import { asApiError, Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';
import { ControlEditor, type Snapshot } from './ControlEditor';

interface Change {
  version: number;
  entityType: string;
  entityName: string;
  action: string;
  actor: string;
  reason: string;
  createdAt: string;
}
interface DiffEntry {
  path: string;
  change: string;
  before: unknown;
  after: unknown;
}
interface LoadedBy {
  workerId: string;
  status: string;
  controlVersion: number | null;
  lastSeenAt: string;
}

const SNAPSHOT = `{ controlSnapshot { version prompts promptVersions skills tools arbiters
  routingRules { match { intent taskType } target { provider model params { temperature maxTokens timeoutMs } } priority } } }`;

/** The control registry: edit with validation, diff, history with who and why, rollback, and which version the workers run. */
export function Control({ canWrite }: { canWrite: boolean }) {
  const snap = useQuery<{ controlSnapshot: Snapshot }>(SNAPSHOT);
  const hist = useQuery<{ controlHistory: { items: Change[] } }>('{ controlHistory(limit: 30) { items { version entityType entityName action actor reason createdAt } } }');
  const workers = useQuery<{ workers: { items: LoadedBy[] } }>('{ workers { items { workerId status controlVersion lastSeenAt } } }');
  const [diff, setDiff] = useState<{ from: number; to: number; entries: DiffEntry[] }>();
  const [error, setError] = useState<ApiError>();
  const { reload: reloadSnap } = snap;
  const { reload: reloadHist } = hist;
  const { reload: reloadWorkers } = workers;
  useEffect(() => subscribe('subscription { controlChanges { version } }', {}, () => (reloadSnap(), reloadHist(), reloadWorkers()), setError), [reloadSnap, reloadHist, reloadWorkers]);
  // Workers report a reload on their own schedule: look again every few seconds while the page is open.
  useEffect(() => {
    const timer = setInterval(reloadWorkers, 2_000);
    return () => clearInterval(timer);
  }, [reloadWorkers]);
  const current = snap.data?.controlSnapshot.version ?? 0;
  const showDiff = async (version: number) => {
    try {
      const r = await gql<{ controlDiff: { from: number; to: number; entries: DiffEntry[] } }>('query($f: Int!, $t: Int!) { controlDiff(from: $f, to: $t) { from to entries { path change before after } } }', { f: version, t: current });
      setDiff(r.controlDiff);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const rollback = async (version: number) => {
    const reason = window.prompt(`Why roll back to version ${version}?`);
    if (!reason) return;
    try {
      await gql('mutation($i: RollbackControlInput!) { rollbackControl(input: $i) { version } }', { i: { toVersion: version, reason } });
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const live = (workers.data?.workers.items ?? []).filter((w) => w.status === 'live');
  return (
    <section>
      <h1>Control registry</h1>
      <ErrorNote error={snap.error ?? hist.error ?? error} />
      {snap.loading && !snap.data ? (
        <Loading />
      ) : (
        snap.data && (
          <>
            <p>
              Active version <strong data-testid="control-version">{current}</strong>: {Object.keys(snap.data.controlSnapshot.prompts).length} prompts, {Object.keys(snap.data.controlSnapshot.skills).length} skills,{' '}
              {Object.keys(snap.data.controlSnapshot.tools).length} tools, {snap.data.controlSnapshot.routingRules.length} routing rules, {Object.keys(snap.data.controlSnapshot.arbiters).length} arbiter policies.
            </p>
            <h2>Loaded by the workers</h2>
            {workers.error ? (
              <ErrorNote error={workers.error} />
            ) : live.length === 0 ? (
              <Empty>No live worker.</Empty>
            ) : (
              <table data-testid="loaded-versions">
                <tbody>
                  {live.map((w) => (
                    <tr key={w.workerId} data-worker={w.workerId}>
                      <td>{w.workerId}</td>
                      <td data-testid="loaded-version">{w.controlVersion === null ? 'uses none' : `v${w.controlVersion}`}</td>
                      <td>{w.controlVersion === null ? '' : w.controlVersion === current ? 'up to date' : 'reloading…'}</td>
                      <td className="muted">seen {when(w.lastSeenAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {canWrite ? <ControlEditor snapshot={snap.data.controlSnapshot} /> : <NotAllowed permission="control:write" what="change or roll back the control registry" />}
          </>
        )
      )}
      <h2>History</h2>
      {hist.data && hist.data.controlHistory.items.length === 0 && <Empty>No changes yet: the built-in configuration is active.</Empty>}
      <table>
        <tbody>
          {hist.data?.controlHistory.items.map((c) => (
            <tr key={c.version}>
              <td>v{c.version}</td>
              <td>
                {c.entityType} {c.entityName} ({c.action})
              </td>
              <td>{c.reason}</td>
              <td className="muted">
                {c.actor} · {when(c.createdAt)}
              </td>
              <td>
                <button type="button" onClick={() => void showDiff(c.version)}>
                  Diff with active
                </button>{' '}
                {canWrite && c.version !== current && (
                  <button type="button" onClick={() => void rollback(c.version)}>
                    Roll back to v{c.version}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && (
        <>
          <h2>
            Diff v{diff.from} → v{diff.to}
          </h2>
          {diff.entries.length === 0 ? <Empty>No differences.</Empty> : <pre>{diff.entries.map((e) => `${e.change.padEnd(8)} ${e.path}`).join('\n')}</pre>}
        </>
      )}
    </section>
  );
}
