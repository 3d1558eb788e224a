import type { FileScan } from './file-scanners';
import { summarizeRepo } from './repo-summary';

const st = (parameters: Record<string, number>): FileScan => ({ kind: 'safetensors', verdict: 'ok', details: { parameters } });
const pk = (verdict: 'safe' | 'dangerous', imports: { module: string; name: string; safety: 'safe' | 'dangerous' }[] = []): FileScan => ({
  kind: 'pickle',
  verdict,
  details: { format: 'pickle', imports },
});

describe('summarizeRepo', () => {
  it('sums parameters per dtype and keeps the worst pickle verdict', () => {
    const files = [
      { path: 'a.safetensors', sha256: 'a' },
      { path: 'b.safetensors', sha256: 'b' },
      { path: 'ok.bin', sha256: 'c' },
      { path: 'evil.pkl', sha256: 'd' },
      { path: 'README.md', sha256: 'e' },
    ];
    const scans = new Map([
      ['a', st({ F16: 10 })],
      ['b', st({ F16: 5, F32: 1 })],
      ['c', pk('safe')],
      ['d', pk('dangerous', [{ module: 'os', name: 'system', safety: 'dangerous' }])],
    ]);
    const summary = summarizeRepo(files, scans);
    expect(summary.safetensors).toEqual({ parameters: { F16: 15, F32: 1 }, total: 16 });
    expect(summary.parameters).toBe(16);
    expect(summary.securityScan).toMatchObject({
      status: 'dangerous',
      files: [
        { path: 'ok.bin', status: 'safe' },
        { path: 'evil.pkl', status: 'dangerous', imports: ['os.system'] },
      ],
    });
  });

  it('counts nothing while a safetensors file is unscanned, and shows unscanned pickles as pending', () => {
    const summary = summarizeRepo(
      [
        { path: 'a.safetensors', sha256: 'a' },
        { path: 'b.safetensors', sha256: 'b' },
        { path: 'm.pt', sha256: 'c' },
      ],
      new Map([['a', st({ F16: 10 })]]),
    );
    expect(summary).toMatchObject({ parameters: null, safetensors: null, securityScan: { status: 'pending', files: [{ path: 'm.pt', status: 'pending' }] } });
  });
});
