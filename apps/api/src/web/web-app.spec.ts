import { classifyWebPath } from './web-app';

describe('classifyWebPath', () => {
  it.each([
    '/api/v1/models/a/b',
    '/api/models/a/b',
    '/v2/',
    '/_storage/x',
    '/docs',
    '/openapi.json',
    '/healthz',
    '/assets/index.js',
    '/org/model/resolve/main/config.json',
    '/org/model/raw/main/a/b.txt',
    '/org/model.git/info/lfs/objects/batch',
    '/datasets/org/data/resolve/main/train.csv',
    '/datasets/org/data.git/info/lfs/objects/batch',
  ])('leaves %s to the API', (path) => expect(classifyWebPath(path)).toBe('api'));

  it.each([
    '/',
    '/models',
    '/login',
    '/join',
    '/settings/tokens',
    '/org',
    '/org/model',
    '/org/model/tree/main',
    '/org/model/tree/v1/a/b',
    '/org/model/blob/main/README.md',
    '/org/model/commits/main',
    '/org/model/discussions',
    '/org/model/discussions/3',
    '/org/model/licensing',
    '/org/model/settings',
    '/org/model/upload/main',
    '/org/model/edit/main/README.md',
    '/organizations/new',
    '/org/model/commit/abc',
    '/datasets',
    '/datasets/org/data',
    '/datasets/org/data/tree/main/a',
    '/datasets/org/data/blob/v1/train.csv',
    '/datasets/org/data/upload/main',
  ])('serves the app at %s', (path) => expect(classifyWebPath(path)).toBe('page'));

  it.each(['/org/model/nothing', '/a/b/c/d', '/org/model/tree', '/datasets/org/data/nothing'])('answers the 404 page at %s', (path) =>
    expect(classifyWebPath(path)).toBe('not-found'),
  );
});
