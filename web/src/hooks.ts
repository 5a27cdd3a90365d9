import { useCallback, useEffect, useState } from 'react';
import { ApiError, gql } from './api';

/** A GraphQL query as loading / error / data, with a reload function. */
export function useQuery<T>(query: string, variables: Record<string, unknown> = {}): { data: T | undefined; error: ApiError | undefined; loading: boolean; reload: () => void } {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql<T>(query, JSON.parse(key) as Record<string, unknown>).then(
      (data) => live && setState({ data, loading: false }),
      (e: unknown) => live && setState({ error: e instanceof ApiError ? e : new ApiError('internal', String(e)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [query, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
