import { useState, type FormEvent } from 'react';
import { ApiError, changePassword } from '../api';
import { ErrorNote } from '../ui';

/** Password change; every session ends afterwards, so the panel returns to the sign-in page. */
export function Account({ firstLogin }: { firstLogin: boolean }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [error, setError] = useState<ApiError>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await changePassword(current, next);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError('internal', String(err)));
    }
  };
  return (
    <section>
      <h1>Account</h1>
      {firstLogin && <p className="notice">This password was generated at install time and never changed: choose your own now.</p>}
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <label>
          Current password <input type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          New password (12 characters or more) <input type="password" autoComplete="new-password" minLength={12} required value={next} onChange={(e) => setNext(e.target.value)} />
        </label>
        <button type="submit">Change password</button>
        <ErrorNote error={error} />
      </form>
    </section>
  );
}
