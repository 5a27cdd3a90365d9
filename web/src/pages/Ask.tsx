import { useEffect, useState, type FormEvent } from 'react';
import { gql, subscribe, type ApiError, type Me } from '../api';
import { Diagnosis, type AskOutput } from '../diagnosis';
import { useQuery } from '../hooks';
import { stepsOf, type LedgerEvent } from '../steps';
import { asApiError, ErrorNote, Loading, NotAllowed } from '../ui';

export const DEMO_QUESTION = 'Investigate why the auth-service pod is crashing in production';

/** Ask a question; the run's agent steps stream in live, then the diagnosis. */
export function Ask({ me, runId, canWrite }: { me: Me; runId: string | undefined; canWrite: boolean }) {
  const [question, setQuestion] = useState(DEMO_QUESTION);
  const [namespace, setNamespace] = useState(me.namespaces?.[0] ?? '');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const known = useQuery<{ runs: { items: { namespace: string | null }[] } }>('{ runs(limit: 50) { items { namespace } } }');
  const choices = me.namespaces ?? [...new Set((known.data?.runs.items ?? []).map((r) => r.namespace).filter((n): n is string => !!n))];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const ns = namespace.trim();
      const input = { kind: 'ask', input: { prompt: question, ...(ns ? { namespace: ns } : {}) }, ...(ns ? { namespace: ns } : {}) };
      const r = await gql<{ submit: { runId: string } }>('mutation($i: SubmitInput!) { submit(input: $i) { runId } }', { i: input });
      location.hash = `#/ask/${r.submit.runId}`;
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Ask</h1>
      {canWrite ? (
        <form className="stack wide" onSubmit={(e) => void submit(e)}>
          <label>
            Question
            <textarea name="question" rows={2} required maxLength={4000} value={question} onChange={(e) => setQuestion(e.target.value)} />
          </label>
          <label>
            Namespace{' '}
            {me.namespaces ? (
              <select value={namespace} onChange={(e) => setNamespace(e.target.value)}>
                {me.namespaces.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            ) : (
              <>
                <input list="namespaces" placeholder="from the question" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
                <datalist id="namespaces">
                  {choices.map((n) => (
                    <option key={n} value={n} />
                  ))}
                </datalist>
              </>
            )}
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Submitting…' : 'Ask'}
          </button>
          <ErrorNote error={error} />
        </form>
      ) : (
        <NotAllowed permission="runs:write" what="ask questions (start investigations)" />
      )}
      {runId && <AskRun key={runId} runId={runId} />}
    </section>
  );
}

/** A submitted question: its steps live from the ledger (replayed from the start), then the answer. */
function AskRun({ runId }: { runId: string }) {
  const [events, setEvents] = useState<LedgerEvent[]>([]);
  const [output, setOutput] = useState<AskOutput>();
  const [error, setError] = useState<ApiError>();
  const end = [...events].reverse().find((e) => ['run.succeeded', 'run.failed', 'run.cancelled'].includes(e.type));
  useEffect(
    () =>
      subscribe<LedgerEvent>('subscription($id: String!) { runEvents(runId: $id, afterSeq: 0) }', { id: runId }, (e) => setEvents((list) => (list.some((x) => x.seq === e.seq) ? list : [...list, e])), setError),
    [runId],
  );
  useEffect(() => {
    if (!end) return;
    gql<{ run: { run: { output: AskOutput | null } } | null }>('query($id: String!) { run(id: $id) { run { output } } }', { id: runId }).then(
      (r) => r.run?.run.output && setOutput(r.run.run.output),
      (e: unknown) => setError(asApiError(e)),
    );
  }, [end, runId]);
  const steps = stepsOf(events);
  return (
    <>
      <p>
        Run <a href={`#/runs/${runId}`}>{runId.slice(0, 8)}…</a> · <span data-testid="ask-status">{end ? end.type.slice(4) : events.length ? 'running' : 'queued'}</span>
      </p>
      <ErrorNote error={error} />
      <h2>Agent steps</h2>
      {steps.length === 0 && !end && <Loading />}
      <ol data-testid="steps" aria-live="polite">
        {steps.map((s, i) => (
          <li key={i} data-step={s.step} data-status={s.status} className={`step step-${s.status}`}>
            <strong>{s.step}</strong> <span className="muted">({s.agent})</span> — {s.status === 'running' ? 'running…' : `${s.status}${s.outcome ? `: ${s.outcome}` : ''}`}
            {s.durationMs !== undefined && <span className="muted"> · {s.durationMs} ms</span>}
            {s.notes.length > 0 && (
              <ul>
                {s.notes.map((n, j) => (
                  <li key={j} className="muted">
                    {n}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {end && !output && !error && <Loading />}
      {output && <Diagnosis output={output} />}
    </>
  );
}
