import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { currentUser, gql, logoutEverywhere, onSessionChange, refresh, type Me } from './api';
import { Account } from './pages/Account';
import { ActionDetail, Actions } from './pages/Actions';
import { Ask } from './pages/Ask';
import { Audit } from './pages/Audit';
import { Control } from './pages/Control';
import { IncidentDetail } from './pages/IncidentDetail';
import { Incidents } from './pages/Incidents';
import { Keys } from './pages/Keys';
import { Login } from './pages/Login';
import { RunDetail } from './pages/RunDetail';
import { Runs } from './pages/Runs';
import { System } from './pages/System';
import { Users } from './pages/Users';
import { Loading } from './ui';

/** Hash routes (#/runs, #/runs/<id>, …): the server serves one index.html and needs no fallback. */
function useHash(): string {
  const [hash, setHash] = useState(location.hash.slice(1) || '/runs');
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || '/runs');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

const NAV: Array<[string, string]> = [
  ['/ask', 'Ask'],
  ['/runs', 'Runs'],
  ['/incidents', 'Incidents'],
  ['/actions', 'Actions'],
  ['/control', 'Control registry'],
  ['/keys', 'API keys'],
  ['/users', 'Users'],
  ['/audit', 'Audit'],
  ['/system', 'System'],
  ['/account', 'Account'],
];

function App() {
  const [user, setUser] = useState(currentUser());
  const [resuming, setResuming] = useState(true);
  const [me, setMe] = useState<Me>();
  const path = useHash();
  useEffect(() => onSessionChange(() => setUser(currentUser())), []);
  // A page load resumes the session from the refresh cookie, silently.
  useEffect(() => void refresh().finally(() => setResuming(false)), []);
  useEffect(() => {
    setMe(undefined);
    if (user) void gql<{ me: Me }>('{ me { userId keyType email roles permissions namespaces } }').then((r) => setMe(r.me));
  }, [user]);
  if (resuming) return <Loading />;
  if (!user) return <Login />;
  if (!me) return <Loading />;
  const can = (p: string) => me.permissions.includes(p);
  const allNamespaces = me.namespaces === null;
  const firstLogin = user.passwordChangedAt === user.createdAt;
  const section = '/' + (path.split('/')[1] ?? 'runs');
  const param = (prefix: string) => (path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined);
  const runId = param('/runs/');
  const incidentId = param('/incidents/');
  const actionId = param('/actions/');
  return (
    <>
      <header>
        <strong>Syntra</strong>
        <nav aria-label="sections">
          {NAV.map(([href, label]) => (
            <a key={href} href={`#${href}`} aria-current={section === href ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span data-testid="who">
          {me.email} ({me.roles.join(', ')})
        </span>
        <button type="button" onClick={() => void logoutEverywhere()}>
          Log out everywhere
        </button>
      </header>
      <main>
        {firstLogin && section !== '/account' && (
          <p className="notice">
            Your password was never changed. <a href="#/account">Change it now</a>.
          </p>
        )}
        {runId ? (
          <RunDetail id={runId} canWrite={can('runs:write')} />
        ) : incidentId ? (
          <IncidentDetail id={incidentId} canWrite={can('incident:create')} />
        ) : actionId ? (
          <ActionDetail id={actionId} me={me} allowed={can('kubernetes:read')} />
        ) : section === '/actions' ? (
          <Actions allowed={can('kubernetes:read')} />
        ) : section === '/ask' ? (
          <Ask me={me} runId={param('/ask/')} canWrite={can('runs:write')} />
        ) : section === '/incidents' ? (
          <Incidents allowed={can('incident:read')} />
        ) : section === '/control' ? (
          <Control canWrite={can('control:write') && allNamespaces} />
        ) : section === '/keys' ? (
          <Keys allowed={can('keys:manage') && allNamespaces} />
        ) : section === '/users' ? (
          <Users allowed={can('users:manage') && allNamespaces} />
        ) : section === '/audit' ? (
          <Audit allowed={can('audit:read')} />
        ) : section === '/system' || section === '/workers' ? (
          <System allowed={can('control:read')} />
        ) : section === '/account' ? (
          <Account firstLogin={firstLogin} />
        ) : (
          <Runs />
        )}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
