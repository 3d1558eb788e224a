import { useEffect, useState } from 'preact/hooks';

/** Loads data for a page; a newer key aborts the older request. */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): { data?: T; error?: unknown; loading: boolean } {
  const [state, setState] = useState<{ key: string; data?: T; error?: unknown }>({ key: '' });
  useEffect(() => {
    const ctrl = new AbortController();
    load(ctrl.signal).then(
      (data) => setState({ key, data }),
      (error: unknown) => {
        if (!ctrl.signal.aborted) setState({ key, error });
      },
    );
    return () => ctrl.abort();
  }, [key]);
  return state.key === key ? { data: state.data, error: state.error, loading: false } : { loading: true };
}
