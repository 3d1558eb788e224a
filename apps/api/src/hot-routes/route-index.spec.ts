import express from 'express';
import { type RouteLayer, RouteIndex } from './route-index';

describe('RouteIndex', () => {
  const ok = () => undefined;
  const app = express();
  app.all('/{*path}', ok); // how Nest mounts module middleware
  app.get('/api/:a/resolve/:b/*rest', ok); // a fixed route registered first wins, as in Express
  app.post('/:ns/:name/resolve/:rev/*path', ok); // another method: not a GET candidate
  app.get('/:ns/:name/resolve/:rev/*path', ok);
  const hot = { paths: ['/:ns/:name/resolve/:rev/*path'] };
  const index = RouteIndex.of(app.router.stack as unknown as RouteLayer[], [hot]);

  it("finds the route Express would pick, with Express's params", () => {
    expect(index.find('GET', '/org/m/resolve/main/dir/a%20b.bin')).toMatchObject({
      route: hot,
      match: { path: '/:ns/:name/resolve/:rev/*path', params: { ns: 'org', name: 'm', rev: 'main', path: ['dir', 'a b.bin'] } },
    });
    expect(index.find('HEAD', '/ORG/m/RESOLVE/main/x')).not.toBeNull();
  });

  it('leaves to Express what an earlier route takes, what no route matches, and bad encodings', () => {
    expect(index.find('GET', '/api/m/resolve/main/x')).toBeNull();
    expect(index.find('GET', '/org/m/tree/main/x')).toBeNull();
    expect(index.find('GET', '/org/m/resolve/main/bad%E0%A4%A')).toBeNull();
  });

  it('refuses a hot route that Express does not have', () => {
    expect(() => RouteIndex.of(app.router.stack as unknown as RouteLayer[], [{ paths: ['/:ns/:name/raw/:rev/*path'] }])).toThrow(/no Express route/);
  });
});
