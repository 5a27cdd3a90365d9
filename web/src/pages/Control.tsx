import { useEffect, useState } from 'react';
import { ApiError, gql, subscribe } from '../api';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';

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

/** The control registry: the active snapshot, the history with who and why, a diff, rollback. */
export function Control({ canWrite }: { canWrite: boolean }) {
  const snap = useQuery<{ controlSnapshot: { version: number; skills: Record<string, unknown>; tools: Record<string, unknown>; routingRules: unknown[] } }>('{ controlSnapshot { version skills tools routingRules { match { intent taskType } target { provider model } } } }');
  const hist = useQuery<{ controlHistory: { items: Change[] } }>('{ controlHistory(limit: 30) { items { version entityType entityName action actor reason createdAt } } }');
  const [diff, setDiff] = useState<{ from: number; to: number; entries: DiffEntry[] }>();
  const [error, setError] = useState<ApiError>();
  const { reload: reloadSnap } = snap;
  const { reload: reloadHist } = hist;
  useEffect(() => subscribe('subscription { controlChanges { version } }', {}, () => (reloadSnap(), reloadHist()), setError), [reloadSnap, reloadHist]);
  const current = snap.data?.controlSnapshot.version ?? 0;
  const showDiff = async (version: number) => {
    try {
      const r = await gql<{ controlDiff: { from: number; to: number; entries: DiffEntry[] } }>('query($f: Int!, $t: Int!) { controlDiff(from: $f, to: $t) { from to entries { path change before after } } }', { f: version, t: current });
      setDiff(r.controlDiff);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const rollback = async (version: number) => {
    const reason = window.prompt(`Why roll back to version ${version}?`);
    if (!reason) return;
    try {
      await gql('mutation($i: RollbackControlInput!) { rollbackControl(input: $i) { version } }', { i: { toVersion: version, reason } });
    } catch (e) {
      setError(e as ApiError);
    }
  };
  return (
    <section>
      <h1>Control registry</h1>
      {!canWrite && <NotAllowed permission="control:write" what="change or roll back the control registry" />}
      <ErrorNote error={snap.error ?? hist.error ?? error} />
      {snap.loading && !snap.data ? (
        <Loading />
      ) : (
        snap.data && (
          <>
            <p>
              Active version <strong data-testid="control-version">{current}</strong>: {Object.keys(snap.data.controlSnapshot.skills).length} skills, {Object.keys(snap.data.controlSnapshot.tools).length} tools,{' '}
              {snap.data.controlSnapshot.routingRules.length} routing rules.
            </p>
            <details>
              <summary>Routing rules</summary>
              <pre>{JSON.stringify(snap.data.controlSnapshot.routingRules, null, 2)}</pre>
            </details>
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
