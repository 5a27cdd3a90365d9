import { pct, when } from './ui';

/**
 * An ask run's answer as a person reads it: the root cause with its confidence, the hypotheses
 * (what supports and weakens each, and the read-only command that settles it), the evidence
 * lines, the remediation with every write command marked as needing approval, and similar past
 * incidents. The shape is the run output's contract (src/agents/run-output.ts).
 */
interface Resource {
  kind: string;
  name: string;
  namespace?: string;
}
interface Evidence {
  kind: string;
  resource?: Resource;
  path?: string;
  value: string;
}
interface Hypothesis {
  type: string;
  summary: string;
  confidence: number;
  evidence_for: Evidence[];
  evidence_against: string[];
  check: string;
}
export interface DiagnosisDoc {
  target: Resource;
  root_cause: { type: string; summary: string; confidence: number; detection_method: string; evidence: Evidence[] };
  hypotheses?: Hypothesis[];
  remediation: { immediate: string[]; writes?: string[]; verification: string[]; prevention: string[] };
}
export interface SimilarIncident {
  id: string;
  title: string;
  similarity: number;
  lastSeen: string;
  occurrences: number;
  rootCause: { type: string; summary: string };
  fix: { action: string | null; verified: boolean | null };
}
export interface AskOutput {
  answer: string;
  diagnosis: DiagnosisDoc | null;
  method: string;
  confidence: number | null;
  incidentId: string | null;
  similarIncidents?: SimilarIncident[];
  recurrence?: { text: string } | null;
  required_info?: string[];
  hint?: string;
}

const res = (r: Resource | undefined) => (r ? `${r.kind}/${r.name}${r.namespace ? ` (${r.namespace})` : ''}` : '');

function EvidenceList({ items }: { items: Evidence[] }) {
  return (
    <ul className="evidence">
      {items.map((e, i) => (
        <li key={i}>
          <span className="muted">
            {e.kind} {res(e.resource)} {e.path ?? ''}
          </span>
          <br />
          <code>{e.value}</code>
        </li>
      ))}
    </ul>
  );
}

/** A remediation step: writes are shown as such, never as something to paste. */
function Step({ text, writes }: { text: string; writes: string[] }) {
  const command = text.replace(/^\(write\)\s*/, '');
  const isWrite = writes.includes(command) || text.startsWith('(write)');
  return (
    <li className={isWrite ? 'write' : undefined} data-write={isWrite ? 'true' : undefined}>
      {isWrite && <strong className="write-badge">WRITE · needs approval</strong>} {isWrite ? <code>{command}</code> : text}
    </li>
  );
}

export function Diagnosis({ output }: { output: AskOutput }) {
  const d = output.diagnosis;
  if (!d) {
    return (
      <section data-testid="diagnosis">
        <h2>Answer</h2>
        <p>{output.answer}</p>
        {output.required_info && <p className="notice">Missing: {output.required_info.join(', ')}</p>}
      </section>
    );
  }
  const writes = d.remediation.writes ?? [];
  return (
    <section data-testid="diagnosis">
      <h2>Diagnosis</h2>
      <p className="root-cause" data-testid="root-cause">
        <strong>Root cause ({d.root_cause.type}):</strong> {d.root_cause.summary}
      </p>
      <p>
        Confidence <strong data-testid="confidence">{pct(d.root_cause.confidence)}</strong> · method {output.method} · target {res(d.target)}
      </p>
      {output.recurrence && <p className="notice">{output.recurrence.text}</p>}
      <h3>Evidence</h3>
      <EvidenceList items={d.root_cause.evidence} />
      {d.hypotheses && d.hypotheses.length > 0 && (
        <>
          <h3>Hypotheses</h3>
          <ol data-testid="hypotheses">
            {d.hypotheses.map((h) => (
              <li key={h.type + h.summary}>
                <strong>{h.type}</strong> ({pct(h.confidence)}): {h.summary}
                {h.evidence_for.length > 0 && (
                  <details>
                    <summary>For ({h.evidence_for.length})</summary>
                    <EvidenceList items={h.evidence_for} />
                  </details>
                )}
                {h.evidence_against.length > 0 && (
                  <details>
                    <summary>Against ({h.evidence_against.length})</summary>
                    <ul>
                      {h.evidence_against.map((a) => (
                        <li key={a}>{a}</li>
                      ))}
                    </ul>
                  </details>
                )}
                <div>
                  Settle it with <code>{h.check}</code>
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
      <h3>Remediation</h3>
      <p className="muted">Syntra is read-only: commands marked WRITE change the cluster and run only after explicit approval.</p>
      <h4>Now</h4>
      <ul data-testid="remediation">
        {d.remediation.immediate.map((s) => (
          <Step key={s} text={s} writes={writes} />
        ))}
      </ul>
      <h4>Verify (read-only)</h4>
      <ul>
        {d.remediation.verification.map((s) => (
          <li key={s}>
            <code>{s}</code>
          </li>
        ))}
      </ul>
      {d.remediation.prevention.length > 0 && (
        <>
          <h4>Prevent</h4>
          <ul>
            {d.remediation.prevention.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      )}
      <h3>Similar past incidents</h3>
      {output.similarIncidents?.length ? (
        <ul data-testid="similar">
          {output.similarIncidents.map((s) => (
            <li key={s.id}>
              <a href={`#/incidents/${s.id}`}>{s.title}</a> — {pct(s.similarity)} similar, seen {s.occurrences}× (last {when(s.lastSeen)}); fix: {s.fix.action ?? '—'}
              {s.fix.verified ? ' (verified)' : ''}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None in the incident memory yet.</p>
      )}
      {output.incidentId && (
        <p>
          Recorded as <a href={`#/incidents/${output.incidentId}`}>incident {output.incidentId.slice(0, 8)}…</a>
        </p>
      )}
    </section>
  );
}
