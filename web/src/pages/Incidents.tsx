import { useEffect, useState, type FormEvent } from 'react';
import { subscribe, type ApiError } from '../api';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, NotAllowed, pct, when } from '../ui';

export interface IncidentRow {
  id: string;
  title: string;
  namespace: string | null;
  status: string;
  rootCauseType: string;
  confidence: number;
  occurrences: number;
  recentOccurrences: number;
  lastSeen: string;
  tags: string[];
}
const FIELDS = 'id title namespace status rootCauseType confidence occurrences recentOccurrences lastSeen tags';

/** The incident memory: filters (status, namespace, root cause, recurring, tag), search, live additions. */
export function Incidents({ allowed }: { allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="incident:read" what="see incidents" />;
  return <IncidentList />;
}

function IncidentList() {
  const [filters, setFilters] = useState({ status: '', namespace: '', root_cause_type: '', tag: '', recurring: false });
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const vars = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '' && v !== false));
  const list = useQuery<{ incidents: { items: IncidentRow[] } }>(
    `query($status: String, $namespace: String, $root_cause_type: String, $tag: String, $recurring: Boolean) { incidents(limit: 50, status: $status, namespace: $namespace, root_cause_type: $root_cause_type, tag: $tag, recurring: $recurring) { items { ${FIELDS} } } }`,
    vars,
  );
  const [live, setLive] = useState<IncidentRow[]>([]);
  const [liveError, setLiveError] = useState<ApiError>();
  useEffect(() => setLive(list.data?.incidents.items ?? []), [list.data]);
  useEffect(() => subscribe<IncidentRow>(`subscription { incidentUpdates { ${FIELDS} } }`, {}, (i) => setLive((rows) => [i, ...rows.filter((r) => r.id !== i.id)]), setLiveError), []);
  const set = (k: keyof typeof filters) => (e: { target: { value: string; checked?: boolean; type?: string } }) => setFilters((f) => ({ ...f, [k]: e.target.type === 'checkbox' ? !!e.target.checked : e.target.value }));
  const doSearch = (e: FormEvent) => {
    e.preventDefault();
    setSearch(q.trim());
  };
  const rows = live.filter((r) => (!filters.status || r.status === filters.status) && (!filters.namespace || r.namespace === filters.namespace) && (!filters.recurring || r.recentOccurrences >= 2));
  return (
    <section>
      <h1>Incidents</h1>
      <form className="row" onSubmit={doSearch} role="search">
        <label>
          Search <input type="search" placeholder="connection refused postgres" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        <button type="submit">Search</button>
        {search && (
          <button type="button" onClick={() => (setQ(''), setSearch(''))}>
            Clear
          </button>
        )}
      </form>
      {search ? (
        <SearchResults q={search} />
      ) : (
        <>
          <fieldset className="row">
            <legend>Filters</legend>
            <label>
              Status{' '}
              <select value={filters.status} onChange={set('status')}>
                <option value="">any</option>
                <option>open</option>
                <option>resolved</option>
              </select>
            </label>
            <label>
              Namespace <input value={filters.namespace} onChange={set('namespace')} size={12} />
            </label>
            <label>
              Root cause <input value={filters.root_cause_type} onChange={set('root_cause_type')} size={16} placeholder="oom_killed" />
            </label>
            <label>
              Tag <input value={filters.tag} onChange={set('tag')} size={10} />
            </label>
            <label>
              <input type="checkbox" checked={filters.recurring} onChange={set('recurring')} /> recurring only
            </label>
          </fieldset>
          <ErrorNote error={list.error ?? liveError} />
          {list.loading && !list.data ? <Loading /> : rows.length === 0 ? <Empty>No incidents match. Ask a question: each diagnosis is recorded here.</Empty> : <IncidentTable rows={rows} />}
        </>
      )}
    </section>
  );
}

function IncidentTable({ rows }: { rows: IncidentRow[] }) {
  return (
    <table data-testid="incidents">
      <thead>
        <tr>
          <th>Incident</th>
          <th>Root cause</th>
          <th>Status</th>
          <th>Seen</th>
          <th>Last seen</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr key={i.id} data-incident={i.id}>
            <td>
              <a href={`#/incidents/${i.id}`}>{i.title}</a>
              {i.tags.length > 0 && <span className="muted"> [{i.tags.join(', ')}]</span>}
            </td>
            <td>
              {i.rootCauseType} ({pct(i.confidence)})
            </td>
            <td>{i.status}</td>
            <td>
              {i.occurrences}×{i.recentOccurrences >= 2 && <strong title="seen twice or more within 7 days"> recurring</strong>}
            </td>
            <td>{when(i.lastSeen)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface SearchHit {
  id: string;
  title: string;
  similarity: number;
  occurrences: number;
  lastSeen: string;
  rootCause: { type: string };
}

function SearchResults({ q }: { q: string }) {
  const found = useQuery<{ searchIncidents: { method: string; items: SearchHit[] } }>('query($q: String!) { searchIncidents(q: $q, limit: 20) { method items { id title similarity occurrences lastSeen rootCause { type } } } }', { q });
  const data = found.data?.searchIncidents;
  if (found.loading && !data) return <Loading />;
  if (found.error) return <ErrorNote error={found.error} />;
  if (!data?.items.length) return <Empty>Nothing similar in the incident memory.</Empty>;
  return (
    <>
      <p className="muted">Matched by {data.method === 'hybrid' ? 'words and similarity' : 'words'}.</p>
      <table data-testid="search-results">
        <tbody>
          {data.items.map((i) => (
            <tr key={i.id}>
              <td>
                <a href={`#/incidents/${i.id}`}>{i.title}</a>
              </td>
              <td>{i.rootCause.type}</td>
              <td>{pct(i.similarity)} similar</td>
              <td>{i.occurrences}×</td>
              <td>{when(i.lastSeen)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
