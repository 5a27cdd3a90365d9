import { useEffect } from 'react';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';

interface WorkerRow {
  workerId: string;
  transport: string;
  taskTypes: string[];
  namespaces: string[] | null;
  status: string;
  lastSeenAt: string;
  controlVersion: number | null;
}
interface SystemData {
  system: {
    live: boolean;
    readiness: { status: string; checks: Record<string, string> };
    queue: { byState: { state: string; count: number }[]; oldestAvailableAgeSeconds: number } | null;
  };
  workers: { items: WorkerRow[]; knownKinds: string[] };
}
const QUERY = `{ system { live readiness { status checks } queue { byState { state count } oldestAvailableAgeSeconds } }
  workers { items { workerId transport taskTypes namespaces status lastSeenAt controlVersion } knownKinds } }`;

/** Health, readiness, the queue's depth by state and the workers with the task types they serve; refreshed every 5 s. */
export function System({ allowed }: { allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="control:read" what="see the system status" />;
  return <SystemStatus />;
}

function SystemStatus() {
  const q = useQuery<SystemData>(QUERY);
  const { reload } = q;
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  if (q.loading && !q.data) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const { system, workers } = q.data;
  return (
    <section>
      <h1>System</h1>
      <ErrorNote error={q.error} />
      <h2>Health</h2>
      <table data-testid="health">
        <tbody>
          <tr>
            <th>Liveness</th>
            <td>{system.live ? 'ok' : 'down'}</td>
          </tr>
          <tr>
            <th>Readiness</th>
            <td data-testid="readiness" className={system.readiness.status === 'ready' ? 'status-succeeded' : 'status-failed'}>
              {system.readiness.status}
            </td>
          </tr>
          {Object.entries(system.readiness.checks).map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Queue</h2>
      {system.queue ? (
        <>
          <table data-testid="queue">
            <thead>
              <tr>
                {system.queue.byState.map((s) => (
                  <th key={s.state}>{s.state}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {system.queue.byState.map((s) => (
                  <td key={s.state} data-state={s.state}>
                    {s.count}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <p className="muted">Oldest waiting item: {Math.round(system.queue.oldestAvailableAgeSeconds)} s.</p>
        </>
      ) : (
        <Empty>The queue cannot be read while the database is unreachable.</Empty>
      )}
      <h2>Workers</h2>
      {workers.items.length === 0 ? (
        <Empty>No worker has registered yet.</Empty>
      ) : (
        <table data-testid="workers">
          <thead>
            <tr>
              <th>Worker</th>
              <th>Transport</th>
              <th>Task types</th>
              <th>Namespaces</th>
              <th>Control version</th>
              <th>Status</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {workers.items.map((w) => (
              <tr key={w.workerId}>
                <td>{w.workerId}</td>
                <td>{w.transport}</td>
                <td>{w.taskTypes.join(', ')}</td>
                <td>{w.namespaces?.join(', ') ?? 'all'}</td>
                <td>{w.controlVersion ?? '—'}</td>
                <td>{w.status}</td>
                <td className="muted">{when(w.lastSeenAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">Task types ever served: {workers.knownKinds.join(', ') || '—'}</p>
    </section>
  );
}
