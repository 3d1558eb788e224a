import type { Connection } from '../config/context';
import { CliError, HubApiError } from './errors';

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body (objects) or raw bytes/text. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send no credentials (completion URLs, anonymous checks). */
  anonymous?: boolean;
}

/** The hub's HTTP API: JSON in and out, errors as HubApiError with the hub's own message. */
export class HubClient {
  constructor(readonly conn: Connection) {}

  get endpoint(): string {
    return this.conn.endpoint;
  }

  get hasToken(): boolean {
    return Boolean(this.conn.token);
  }

  url(path: string, query?: Query): string {
    const u = new URL(path.startsWith('http') ? path : `${this.conn.endpoint}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined || v === null || v === '') continue;
      for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
    }
    return u.toString();
  }

  authHeaders(): Record<string, string> {
    return this.conn.token ? { Authorization: `Bearer ${this.conn.token}` } : {};
  }

  /** The raw answer (any status), following no redirects unless asked. */
  async raw(method: string, path: string, options: RequestOptions & { redirect?: RequestRedirect } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(options.anonymous ? {} : this.authHeaders()), ...options.headers };
    let body: BodyInit | undefined;
    if (options.body !== undefined) {
      if (typeof options.body === 'string' || options.body instanceof Uint8Array) {
        body = options.body as BodyInit;
        headers['Content-Type'] = options.contentType ?? 'application/octet-stream';
      } else {
        body = JSON.stringify(options.body);
        headers['Content-Type'] = options.contentType ?? 'application/json';
      }
    }
    const target = this.url(path, options.query);
    try {
      return await fetch(target, { method, headers, body, redirect: options.redirect ?? 'follow' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `Cannot reach the hub at ${this.conn.endpoint} (${cause?.code ?? cause?.message ?? (err as Error).message}); set --endpoint or MODELHUB_ENDPOINT`,
      );
    }
  }

  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, options);
    if (!res.ok) throw await toHubError(res);
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  }

  get<T = Record<string, unknown>>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body: body ?? {} });
  }

  patch<T = Record<string, unknown>>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  delete<T = Record<string, unknown>>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** Every item of a paginated native listing (`{items, nextCursor}` or an array). */
  async *pages<T>(path: string, query: Query = {}, itemsKey = 'items'): AsyncGenerator<T> {
    let cursor: string | undefined;
    do {
      const page = await this.get<Record<string, unknown> | T[]>(path, { ...query, cursor });
      if (Array.isArray(page)) {
        yield* page;
        return;
      }
      yield* (page[itemsKey] as T[]) ?? [];
      cursor = (page.nextCursor as string | null) ?? undefined;
    } while (cursor);
  }
}

export async function toHubError(res: Response): Promise<HubApiError> {
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown>;
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { error: text.slice(0, 300) };
  }
  const message = typeof body.error === 'string' && body.error ? body.error : `${res.status} ${res.statusText}`;
  return new HubApiError(res.status, message, typeof body.code === 'string' ? body.code : undefined, body, res.headers);
}

/** What a repository holds: the hub keeps models and datasets apart, under the same names if need be. */
export type RepoType = 'model' | 'dataset';
export const REPO_TYPES: readonly RepoType[] = ['model', 'dataset'];

export interface RepoRef {
  namespace: string;
  name: string;
  id: string;
  type: RepoType;
}

/** `ns/name` → its two parts (a usage error otherwise), for a repository of `type`. */
export function parseRepoId(id: string, type: RepoType = 'model'): RepoRef {
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(id);
  if (!m) throw new CliError(`'${id}' is not a repository id: expected namespace/name (e.g. acme/sentiment)`, 2, 'usage');
  return { namespace: m[1], name: m[2], id, type };
}

type RepoLike = { namespace: string; name: string; type?: RepoType };
const names = (repo: RepoLike) => `${encodeURIComponent(repo.namespace)}/${encodeURIComponent(repo.name)}`;
const segment = (repo: RepoLike) => (repo.type === 'dataset' ? 'datasets' : 'models');

/** The native API of a model or dataset: `/api/v1/models/ns/name` or `/api/v1/datasets/ns/name`. */
export const modelPath = (repo: RepoLike) => `/api/v1/${segment(repo)}/${names(repo)}`;
/** The Hugging Face API of a repository (`/api/models/...`, `/api/datasets/...`). */
export const hfModelPath = (repo: RepoLike) => `/api/${segment(repo)}/${names(repo)}`;
/** Git-style routes (LFS batch, resolve): `/ns/name` for models, `/datasets/ns/name` for datasets, as on Hugging Face. */
export const repoRoute = (repo: RepoLike) => `${repo.type === 'dataset' ? '/datasets' : ''}/${names(repo)}`;
/** The repository's page on the hub. */
export const repoWebUrl = (endpoint: string, repo: { id: string; type?: RepoType }) => `${endpoint}${repo.type === 'dataset' ? '/datasets' : ''}/${repo.id}`;
export const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');
