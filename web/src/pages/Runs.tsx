import { useEffect, useState } from 'react';
import { subscribe, type ApiError } from '../api';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, when } from '../ui';

export interface RunRow {
  id: string;
  kind: string;
  status: string;
  namespace: string | null;
  createdAt: string;
  finishedAt: string | null;
}
const FIELDS = 'id kind status namespace createdAt finishedAt';
const STATUSES = ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** The newest runs, updated live as runs start and finish. */
export function Runs() {
  const [status, setStatus] = useState('');
  const q = useQuery<{ runs: { items: RunRow[] } }>(`query($status: String) { runs(limit: 50, status: $status) { items { ${FIELDS} } } }`, status ? { status } : {});
  const [live, setLive] = useState<RunRow[]>([]);
  const [liveError, setLiveError] = useState<ApiError>();
  useEffect(() => setLive(q.data?.runs.items ?? []), [q.data]);
  useEffect(
    () =>
      subscribe<RunRow>(`subscription { runUpdates { ${FIELDS} } }`, {}, (run) => setLive((rows) => [run, ...rows.filter((r) => r.id !== run.id)]), setLiveError),
    [],
  );
  const rows = live.filter((r) => !status || r.status === status);
  return (
    <section>
      <h1>Runs</h1>
      <label>
        Status{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'any'}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={q.error ?? liveError} />
      {q.loading && !q.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Empty>No runs yet. Ask a question with the CLI (syntra ask) or submit one through the API.</Empty>
      ) : (
        <table data-testid="runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Kind</th>
              <th>Status</th>
              <th>Namespace</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <a href={`#/runs/${r.id}`}>{r.id.slice(0, 8)}…</a>
                </td>
                <td>{r.kind}</td>
                <td className={`status-${r.status}`}>{r.status}</td>
                <td>{r.namespace ?? '—'}</td>
                <td>{when(r.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
