/** The hub's API from the page: same origin, the session cookie, the CSRF token on every change. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

export function csrfToken(): string | null {
  const m = /(?:^|;\s*)hub_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : null;
}

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; contentType?: string; onHeaders?: (headers: Headers) => void } = {},
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Accept: init.contentType ?? 'application/json' };
  if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
  const csrf = csrfToken();
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      signal: init.signal,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError('The hub cannot be reached', 0, 'network_error', null);
  }
  init.onHeaders?.(res.headers);
  if (res.status === 204) return undefined as T;
  const body = (await res.json().catch(() => null)) as { error?: string; message?: string; code?: string; requestId?: string } | null;
  if (!res.ok) {
    // git-lfs answers carry `message` (its spec), the hub's own routes `error`.
    throw new ApiError(body?.error ?? body?.message ?? res.statusText, res.status, body?.code ?? 'error', body?.requestId ?? res.headers.get('X-Request-Id'));
  }
  return body as T;
}

/** A file's bytes as text (a model card), following the hub's redirect to storage. */
export async function apiText(path: string, signal?: AbortSignal, maxBytes?: number): Promise<string | null> {
  const headers: Record<string, string> = maxBytes ? { Range: `bytes=0-${maxBytes - 1}` } : {};
  const res = await fetch(path, { credentials: 'same-origin', signal, headers });
  if (res.status === 404) return null;
  if (!res.ok)
    throw new ApiError(
      res.headers.get('X-Error-Message') ?? res.statusText,
      res.status,
      res.headers.get('X-Error-Code') ?? 'error',
      res.headers.get('X-Request-Id'),
    );
  return res.text();
}

export const enc = encodeURIComponent;
/** `a/b c` → `a/b%20c`: a path whose slashes stay. */
export const encPath = (p: string) => p.split('/').map(enc).join('/');
