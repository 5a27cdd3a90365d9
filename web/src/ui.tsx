import type { ReactNode } from 'react';
import { ApiError } from './api';

/** Loading, error and empty states every page shows the same way. */
export function Loading() {
  return <p className="muted" role="status">Loading…</p>;
}

export function ErrorNote({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {error.message} <span className="muted">({error.code})</span>
      {error.fields.length > 0 && (
        <ul data-testid="field-errors">
          {error.fields.map((f) => (
            <li key={f.field + f.problem}>
              <code>{f.field}</code> {f.problem}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted">{children}</p>;
}

/** Says what the signed-in role may not do, instead of letting a click fail. */
export function NotAllowed({ permission, what }: { permission: string; what: string }) {
  return (
    <p className="notice" data-testid="not-allowed">
      Your role may not {what} (needs <code>{permission}</code>).
    </p>
  );
}

export const when = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '—');

export const pct = (x: number | null | undefined): string => (x == null ? '—' : `${Math.round(x * 100)}%`);

/** Turns a thrown value into the ApiError every page shows. */
export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError('internal', String(e)));
