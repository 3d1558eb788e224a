import { hfModelPath, modelPath, parseRepoId, repoRoute, repoWebUrl } from '../core/hub-client';
import { previewCell } from './dataset.commands';

describe('previewCell', () => {
  it('keeps a cell on one line and cuts it at the width', () => {
    expect(previewCell('two\r\nlines', 40)).toBe('two\\nlines');
    expect(previewCell('abcdefghij', 6)).toBe('abcde…');
    expect(previewCell(null, 6)).toBe('-');
    expect(previewCell({ k: [1] }, 40)).toBe('{"k":[1]}');
  });
});

describe('repository routes by type', () => {
  it('puts datasets under their prefixes, models where they were', () => {
    const d = parseRepoId('acme/reviews', 'dataset');
    const m = parseRepoId('acme/reviews');
    expect([modelPath(d), hfModelPath(d), repoRoute(d), repoWebUrl('http://hub', d)]).toEqual([
      '/api/v1/datasets/acme/reviews',
      '/api/datasets/acme/reviews',
      '/datasets/acme/reviews',
      'http://hub/datasets/acme/reviews',
    ]);
    expect([modelPath(m), hfModelPath(m), repoRoute(m), repoWebUrl('http://hub', m)]).toEqual([
      '/api/v1/models/acme/reviews',
      '/api/models/acme/reviews',
      '/acme/reviews',
      'http://hub/acme/reviews',
    ]);
  });
});
