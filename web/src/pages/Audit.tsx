import { useState } from 'react';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';

interface AuditRow {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  target: string | null;
  result: string;
}

/** The audit trail, filtered by action (exact, or a prefix ending in *). */
export function Audit({ allowed }: { allowed: boolean }) {
  const [action, setAction] = useState('');
  if (!allowed) return <NotAllowed permission="audit:read" what="read the audit log" />;
  return (
    <section>
      <h1>Audit log</h1>
      <label>
        Action filter <input placeholder="auth.* or key.create" value={action} onChange={(e) => setAction(e.target.value)} />
      </label>
      <AuditList action={action} />
    </section>
  );
}

function AuditList({ action }: { action: string }) {
  const q = useQuery<{ audit: { events: AuditRow[] } }>('query($action: String) { audit(limit: 100, action: $action) { events { id at actorType actorId action target result } } }', action ? { action } : {});
  if (q.loading && !q.data) return <Loading />;
  if (q.error) return <ErrorNote error={q.error} />;
  if (!q.data?.audit.events.length) return <Empty>No events.</Empty>;
  return (
    <table>
      <tbody>
        {q.data.audit.events.map((e) => (
          <tr key={e.id}>
            <td className="muted">{when(e.at)}</td>
            <td>
              {e.actorType} {e.actorId?.slice(0, 8)}
            </td>
            <td>{e.action}</td>
            <td>{e.target}</td>
            <td>{e.result}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
