import { useState, type FormEvent } from 'react';
import { gql, type ApiError } from '../api';
import { useQuery } from '../hooks';
import { asApiError, Empty, ErrorNote, Loading, NotAllowed, pct, when } from '../ui';

interface Detail {
  id: string;
  title: string;
  namespace: string | null;
  status: string;
  rootCauseType: string;
  summary: string;
  confidence: number;
  symptoms: string[];
  occurrences: number;
  firstSeen: string;
  lastSeen: string;
  resolvedAt: string | null;
  tags: string[];
  lastFix: string | null;
  remediationVerified: boolean | null;
  rootCauseCorrect: boolean | null;
  runIds: string[];
  recurrence: { text: string } | null;
  feedback: { id: string; createdAt: string; createdBy: string | null; remediationApplied: string | null; verified: boolean | null; rootCauseCorrect: boolean | null; note: string | null }[];
}
interface Similar {
  id: string;
  title: string;
  similarity: number;
  occurrences: number;
  lastSeen: string;
  fix: { action: string | null; verified: boolean | null };
}

const DETAIL = `query($id: String!) {
  incident(id: $id) { id title namespace status rootCauseType summary confidence symptoms occurrences firstSeen lastSeen resolvedAt tags lastFix remediationVerified rootCauseCorrect runIds
    recurrence { text } feedback { id createdAt createdBy remediationApplied verified rootCauseCorrect note } }
  similarIncidents(id: $id, limit: 3) { items { id title similarity occurrences lastSeen fix { action verified } } }
}`;

const yesNo = (b: boolean | null) => (b === null ? '—' : b ? 'yes' : 'no');

/** One incident: what it is, every run that saw it (occurrences), similar incidents, feedback, resolve/reopen. */
export function IncidentDetail({ id, canWrite }: { id: string; canWrite: boolean }) {
  const q = useQuery<{ incident: Detail | null; similarIncidents: { items: Similar[] } }>(DETAIL, { id });
  const [error, setError] = useState<ApiError>();
  const act = async (query: string, variables: Record<string, unknown>) => {
    setError(undefined);
    try {
      await gql(query, variables);
      q.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  if (q.loading && !q.data) return <Loading />;
  const i = q.data?.incident;
  if (!i) return <ErrorNote error={q.error} />;
  return (
    <section>
      <h1>{i.title}</h1>
      <p>
        <strong>{i.rootCauseType}</strong> ({pct(i.confidence)}) · {i.status} · namespace {i.namespace ?? '—'} · tags {i.tags.join(', ') || '—'}
      </p>
      <p>{i.summary}</p>
      {i.recurrence && <p className="notice">{i.recurrence.text}</p>}
      {canWrite ? (
        i.status === 'resolved' ? (
          <button type="button" onClick={() => void act('mutation($id: String!) { reopenIncident(incidentId: $id) { id } }', { id })}>
            Reopen
          </button>
        ) : (
          <button type="button" onClick={() => void act('mutation($id: String!) { resolveIncident(incidentId: $id) { id } }', { id })}>
            Mark resolved
          </button>
        )
      ) : (
        <NotAllowed permission="incident:create" what="resolve incidents or give feedback" />
      )}
      <ErrorNote error={error} />
      <h2>Occurrences</h2>
      <p>
        Seen {i.occurrences}× · first {when(i.firstSeen)} · last {when(i.lastSeen)}
        {i.resolvedAt && <> · resolved {when(i.resolvedAt)}</>}
      </p>
      <ol data-testid="occurrences">
        {i.runIds.map((r) => (
          <li key={r}>
            <a href={`#/runs/${r}`}>run {r.slice(0, 8)}…</a>
          </li>
        ))}
      </ol>
      {i.symptoms.length > 0 && (
        <>
          <h2>Symptoms</h2>
          <ul>
            {i.symptoms.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      )}
      <h2>Similar incidents</h2>
      {q.data?.similarIncidents.items.length ? (
        <ul>
          {q.data.similarIncidents.items.map((s) => (
            <li key={s.id}>
              <a href={`#/incidents/${s.id}`}>{s.title}</a> — {pct(s.similarity)} similar, {s.occurrences}×, last {when(s.lastSeen)}; fix {s.fix.action ?? '—'}
              {s.fix.verified ? ' (verified)' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <Empty>No similar incidents.</Empty>
      )}
      <h2>Feedback</h2>
      <p>
        Last fix: {i.lastFix ?? '—'} · verified {yesNo(i.remediationVerified)} · root cause correct {yesNo(i.rootCauseCorrect)}
      </p>
      {i.feedback.length === 0 ? (
        <Empty>No feedback yet.</Empty>
      ) : (
        <ul data-testid="feedback">
          {i.feedback.map((f) => (
            <li key={f.id}>
              {when(f.createdAt)} {f.createdBy ?? ''}: {f.remediationApplied ?? ''} {f.verified !== null && `(verified ${yesNo(f.verified)})`} {f.rootCauseCorrect !== null && `(root cause correct ${yesNo(f.rootCauseCorrect)})`} {f.note ?? ''}
            </li>
          ))}
        </ul>
      )}
      {canWrite && <FeedbackForm onSend={(input) => act('mutation($id: String!, $i: IncidentFeedbackInput!) { incidentFeedback(incidentId: $id, input: $i) { feedback { id } } }', { id, i: input })} />}
    </section>
  );
}

function FeedbackForm({ onSend }: { onSend: (input: Record<string, unknown>) => Promise<void> }) {
  const [fix, setFix] = useState('');
  const [verified, setVerified] = useState('');
  const [correct, setCorrect] = useState('');
  const [note, setNote] = useState('');
  const send = (e: FormEvent) => {
    e.preventDefault();
    const input: Record<string, unknown> = {};
    if (fix) input.remediation_applied = fix;
    if (verified) input.verified = verified === 'yes';
    if (correct) input.root_cause_correct = correct === 'yes';
    if (note) input.note = note;
    void onSend(input);
  };
  const tri = (value: string, set: (v: string) => void, label: string) => (
    <label>
      {label}{' '}
      <select value={value} onChange={(e) => set(e.target.value)}>
        <option value="">not said</option>
        <option value="yes">yes</option>
        <option value="no">no</option>
      </select>
    </label>
  );
  return (
    <form className="stack" onSubmit={send} aria-label="feedback">
      <label>
        What fixed it <input value={fix} onChange={(e) => setFix(e.target.value)} placeholder="scaled deployment/postgres to 1" />
      </label>
      {tri(verified, setVerified, 'The fix held')}
      {tri(correct, setCorrect, 'The root cause was right')}
      <label>
        Note <input value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <button type="submit">Send feedback</button>
    </form>
  );
}
