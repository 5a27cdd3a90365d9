import { useState, type FormEvent } from 'react';
import { ApiError, gql } from '../api';
import { useQuery } from '../hooks';
import { Empty, ErrorNote, Loading, NotAllowed, when } from '../ui';

interface Key {
  id: string;
  name: string;
  prefix: string;
  type: string;
  namespaces: string[] | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
interface Usage {
  keyId: string;
  windows: { window: string; limit: number; used: number }[];
}

/** API keys: create (the secret is shown once), rotate, revoke, last used. */
export function Keys({ allowed }: { allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="keys:manage" what="manage API keys" />;
  return <KeyList />;
}

function KeyList() {
  const q = useQuery<{ keys: { items: Key[] }; keysUsage: { items: Usage[] } }>(
    '{ keys(includeRevoked: true) { items { id name prefix type namespaces lastUsedAt revokedAt } } keysUsage { items { keyId windows { window limit used } } } }',
  );
  const usage = new Map((q.data?.keysUsage.items ?? []).map((u) => [u.keyId, u.windows]));
  const [perMinute, setPerMinute] = useState('');
  const [perHour, setPerHour] = useState('');
  const [name, setName] = useState('');
  const [type, setType] = useState('live');
  const [namespaces, setNamespaces] = useState('');
  const [secret, setSecret] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const act = async (run: () => Promise<void>) => {
    setError(undefined);
    try {
      await run();
      q.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    const ns = namespaces.split(',').map((s) => s.trim()).filter(Boolean);
    void act(async () => {
      const rateLimit = { ...(perMinute ? { perMinute: Number(perMinute) } : {}), ...(perHour ? { perHour: Number(perHour) } : {}) };
      const r = await gql<{ createKey: { secret: string } }>('mutation($i: CreateKeyInput!) { createKey(input: $i) { secret key { id } } }', {
        i: { name, type, ...(ns.length ? { namespaces: ns } : {}), ...(Object.keys(rateLimit).length ? { rateLimit } : {}) },
      });
      setSecret(r.createKey.secret);
    });
  };
  return (
    <section>
      <h1>API keys</h1>
      <form className="stack" onSubmit={create}>
        <label>
          Name <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Type{' '}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="live">live</option>
            <option value="test">test (read-only)</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Namespaces (comma-separated, empty = all) <input value={namespaces} onChange={(e) => setNamespaces(e.target.value)} />
        </label>
        <label>
          Requests per minute (empty = the role's) <input type="number" min={1} value={perMinute} onChange={(e) => setPerMinute(e.target.value)} />
        </label>
        <label>
          Requests per hour (empty = the role's) <input type="number" min={1} value={perHour} onChange={(e) => setPerHour(e.target.value)} />
        </label>
        <button type="submit">Create key</button>
      </form>
      {secret && (
        <p className="notice" data-testid="secret">
          Copy this key now — it is shown only once: <code>{secret}</code>{' '}
          <button type="button" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </p>
      )}
      <ErrorNote error={q.error ?? error} />
      {q.loading && !q.data ? (
        <Loading />
      ) : !q.data?.keys.items.length ? (
        <Empty>No keys.</Empty>
      ) : (
        <table data-testid="keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Type</th>
              <th>Namespaces</th>
              <th>Last used</th>
              <th>Rate limit used</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {q.data.keys.items.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.type}</td>
                <td>{k.namespaces?.join(', ') ?? 'all'}</td>
                <td className="muted">last used {when(k.lastUsedAt)}</td>
                <td data-testid="usage">{k.revokedAt ? '' : (usage.get(k.id) ?? []).map((w) => `${w.used}/${w.limit} this ${w.window}`).join(' · ')}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="muted">revoked {when(k.revokedAt)}</span>
                  ) : (
                    <>
                      <button type="button" onClick={() => void act(async () => setSecret((await gql<{ rotateKey: { secret: string } }>('mutation($id: String!) { rotateKey(keyId: $id) { secret } }', { id: k.id })).rotateKey.secret))}>
                        Rotate
                      </button>{' '}
                      <button type="button" onClick={() => void act(async () => void (await gql('mutation($id: String!) { revokeKey(keyId: $id) { id } }', { id: k.id })))}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
