import { useEffect, useState } from 'react';
import { ApiError, gql, subscribe } from '../api';
import { useQuery } from '../hooks';
import { Diagnosis, type AskOutput } from '../diagnosis';
import { ErrorNote, Loading, NotAllowed, when } from '../ui';

interface LedgerEvent {
  seq: number;
  type: string;
  actor: string | null;
  data: unknown;
  createdAt: string;
}
interface Detail {
  run: { id: string; kind: string; status: string; namespace: string | null; output: unknown; error: unknown; createdAt: string };
  tasks: { id: string; taskType: string; status: string; attempts: number }[];
  artifacts: { name?: string; key?: string }[];
  events: LedgerEvent[];
}

/** One run: its ledger as a live timeline (resumed from the last sequence number shown), tasks, output, cancel. */
export function RunDetail({ id, canWrite }: { id: string; canWrite: boolean }) {
  const q = useQuery<{ run: Detail | null }>('query($id: String!) { run(id: $id) { run { id kind status namespace output error createdAt } tasks artifacts events } }', { id });
  const [events, setEvents] = useState<LedgerEvent[]>([]);
  const [error, setError] = useState<ApiError>();
  const loaded = q.data?.run;
  useEffect(() => {
    if (!loaded) return;
    setEvents(loaded.events);
    const after = loaded.events.at(-1)?.seq ?? 0;
    return subscribe<LedgerEvent>('subscription($id: String!, $after: Int) { runEvents(runId: $id, afterSeq: $after) }', { id, after }, (e) => setEvents((list) => (list.some((x) => x.seq === e.seq) ? list : [...list, e])), setError);
  }, [loaded, id]);
  if (q.loading && !q.data) return <Loading />;
  if (q.error || !loaded) return <ErrorNote error={q.error ?? new ApiError('not_found', 'run not found')} />;
  const last = [...events].reverse().find((e) => e.type.startsWith('run.'));
  const status = last ? last.type.slice('run.'.length) : loaded.run.status;
  const cancel = async () => {
    try {
      await gql('mutation($id: String!) { cancelRun(runId: $id, reason: "cancelled from the panel") { status } }', { id });
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('internal', String(e)));
    }
  };
  const finished = ['succeeded', 'failed', 'cancelled'].includes(status);
  return (
    <section>
      <h1>
        Run <code>{loaded.run.id}</code>
      </h1>
      <p>
        {loaded.run.kind} · <span data-testid="run-status" className={`status-${status}`}>{status}</span> · namespace {loaded.run.namespace ?? '—'} · created {when(loaded.run.createdAt)}
      </p>
      {canWrite ? (
        <button type="button" onClick={() => void cancel()} disabled={finished}>
          Cancel run
        </button>
      ) : (
        <NotAllowed permission="runs:write" what="cancel runs" />
      )}
      <ErrorNote error={error} />
      <h2>Timeline</h2>
      <ol data-testid="timeline">
        {events.map((e) => (
          <li key={e.seq}>
            <code>#{e.seq}</code> <strong>{e.type}</strong> <span className="muted">{when(e.createdAt)} {e.actor ?? ''}</span>
          </li>
        ))}
      </ol>
      <h2>Tasks</h2>
      <table>
        <tbody>
          {loaded.tasks.map((t) => (
            <tr key={t.id}>
              <td>{t.taskType}</td>
              <td>{t.status}</td>
              <td>attempts {t.attempts}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {loaded.run.kind === 'ask' && loaded.run.output != null && <Diagnosis output={loaded.run.output as AskOutput} />}
      {loaded.run.output != null && (
        <>
          <h2>Output</h2>
          <pre>{JSON.stringify(loaded.run.output, null, 2)}</pre>
        </>
      )}
      {loaded.artifacts.length > 0 && (
        <>
          <h2>Artifacts</h2>
          <pre>{JSON.stringify(loaded.artifacts, null, 2)}</pre>
        </>
      )}
    </section>
  );
}
