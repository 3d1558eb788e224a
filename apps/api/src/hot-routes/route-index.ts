/** The part of an Express 5 router layer (package `router`) the index reads. */
export interface RouteLayer {
  route?: { path: unknown; _handlesMethod(method: string): boolean };
  match(path: string): false | { params: Record<string, unknown> };
}

interface Entry<R> {
  order: number;
  layer: RouteLayer;
  path: string;
  hot: R | undefined;
}

const PARAMETRIC = /[:*{}()]/;
/** How Nest mounts module middleware (`forRoutes('*path')`, `'{*path}'`): route layers that match every path. */
const MIDDLEWARE_PATH = /^\/(?:\{\*\w+\}|\*\w+)$/;

/**
 * Which route layer Express would pick for a request, without running Express: the route
 * layers in stack order, indexed by their literal first path segment (those starting with a
 * parameter are checked for every request). Matching uses the layers' own matchers, so case,
 * trailing slash and percent-decoding are exactly Express's, and so are the params.
 * Middleware is not a route: neither the app's (app.use) nor the modules' (which Nest mounts as
 * catch-all route layers); the hot routes run the app-wide ones themselves.
 */
export class RouteIndex<R extends { readonly paths: readonly string[] }> {
  private constructor(
    private readonly byFirst: Map<string, Entry<R>[]>,
    private readonly anyFirst: Entry<R>[],
  ) {}

  static of<R extends { readonly paths: readonly string[] }>(stack: RouteLayer[], routes: R[]): RouteIndex<R> {
    const byFirst = new Map<string, Entry<R>[]>();
    const anyFirst: Entry<R>[] = [];
    const claimed = new Set<string>();
    stack.forEach((layer, order) => {
      if (!layer.route) return;
      const path = typeof layer.route.path === 'string' ? layer.route.path : '';
      if (MIDDLEWARE_PATH.test(path)) return;
      const hot = routes.find((r) => r.paths.includes(path));
      if (hot) claimed.add(path);
      const entry = { order, layer, path, hot };
      const first = path.split('/')[1] ?? '';
      if (!path || PARAMETRIC.test(first)) anyFirst.push(entry);
      else byFirst.set(first.toLowerCase(), [...(byFirst.get(first.toLowerCase()) ?? []), entry]);
    });
    const missing = routes.flatMap((r) => r.paths).filter((p) => !claimed.has(p));
    if (missing.length) throw new Error(`Hot routes: no Express route registered at ${missing.join(', ')}`);
    return new RouteIndex(byFirst, anyFirst);
  }

  /** The hot route Express would route this request to, with its params; null for any other. */
  find(method: string, path: string): { route: R; match: { path: string; params: Record<string, unknown> }; layer: RouteLayer } | null {
    const end = path.indexOf('/', 1);
    const literal = this.byFirst.get((end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase()) ?? [];
    const params = this.anyFirst;
    for (let i = 0, j = 0; i < literal.length || j < params.length;) {
      const entry = j >= params.length || (i < literal.length && literal[i].order < params[j].order) ? literal[i++] : params[j++];
      if (!entry.layer.route!._handlesMethod(method)) continue;
      let matched: false | { params: Record<string, unknown> };
      try {
        matched = entry.layer.match(path);
      } catch {
        return null; // a bad percent-encoding: Express answers it (400)
      }
      if (!matched) continue;
      return entry.hot ? { route: entry.hot, match: { path: entry.path, params: matched.params }, layer: entry.layer } : null;
    }
    return null;
  }
}
