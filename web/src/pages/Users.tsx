import { useState, type FormEvent } from 'react';
import { ApiError, gql } from '../api';
import { useQuery } from '../hooks';
import { ErrorNote, Loading, NotAllowed } from '../ui';

interface UserRow {
  id: string;
  email: string;
  roles: string[];
  namespaces: string[] | null;
  status: string;
}
const ROLES = ['admin', 'operator', 'developer', 'viewer'];

/** Users and roles: invite, change role, suspend. */
export function Users({ allowed }: { allowed: boolean }) {
  if (!allowed) return <NotAllowed permission="users:manage" what="manage users" />;
  return <UserList />;
}

function UserList() {
  const q = useQuery<{ users: { items: UserRow[] } }>('{ users(limit: 200) { items { id email roles namespaces status } } }');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('viewer');
  const [error, setError] = useState<ApiError>();
  const act = async (query: string, variables: Record<string, unknown>) => {
    setError(undefined);
    try {
      await gql(query, variables);
      q.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const invite = (e: FormEvent) => {
    e.preventDefault();
    void act('mutation($i: InviteUserInput!) { inviteUser(input: $i) { id } }', { i: { email, password, roles: [role] } });
  };
  return (
    <section>
      <h1>Users</h1>
      <form className="stack" onSubmit={invite}>
        <label>
          Email <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Initial password <input type="password" minLength={12} required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Invite</button>
      </form>
      <ErrorNote error={q.error ?? error} />
      {q.loading && !q.data ? (
        <Loading />
      ) : (
        <table>
          <tbody>
            {q.data?.users.items.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>
                  <select aria-label={`role of ${u.email}`} value={u.roles[0]} onChange={(e) => void act('mutation($id: String!, $i: UpdateUserInput!) { updateUser(userId: $id, input: $i) { id } }', { id: u.id, i: { roles: [e.target.value] } })}>
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{u.namespaces?.join(', ') ?? 'all namespaces'}</td>
                <td>{u.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
