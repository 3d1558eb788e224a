import { parseNdjsonCommit } from './ndjson-commit.parser';
import { lfsPatternsFrom, uploadModeFor } from './upload-mode';

const line = (key: string, value: unknown) => JSON.stringify({ key, value });
const oid = 'a'.repeat(64);

describe('parseNdjsonCommit', () => {
  it('reads every operation kind', () => {
    const body = [
      line('header', { summary: 'Add files', description: 'why', parentCommit: 'abcdef1' }),
      line('file', { path: 'README.md', content: Buffer.from('# hi').toString('base64'), encoding: 'base64' }),
      line('lfsFile', { path: 'w.bin', algo: 'sha256', oid, size: 12 }),
      line('lfsFile', { path: 'copy.bin', algo: 'sha256', oid, oldPath: 'w.bin' }),
      line('deletedFile', { path: 'old.txt' }),
      line('deletedFolder', { path: 'logs/' }),
    ].join('\n');
    const parsed = parseNdjsonCommit(body);
    expect(parsed).toMatchObject({ summary: 'Add files', description: 'why', parentCommit: 'abcdef1' });
    expect(parsed.operations).toEqual([
      { kind: 'put', path: 'README.md', content: Buffer.from('# hi') },
      { kind: 'lfs', path: 'w.bin', sha256: oid, size: 12n },
      { kind: 'copy', path: 'copy.bin', fromPath: 'w.bin', sha256: oid },
      { kind: 'delete', path: 'old.txt' },
      { kind: 'deleteFolder', path: 'logs' },
    ]);
  });

  it('accepts an lfsFile without size', () => {
    const parsed = parseNdjsonCommit([line('header', { summary: 's' }), line('lfsFile', { path: 'x', oid })].join('\n'));
    expect(parsed.operations[0]).toEqual({ kind: 'lfs', path: 'x', sha256: oid, size: undefined });
  });

  it.each([
    ['no header', line('file', { path: 'a', content: '' }), /no header/],
    ['empty summary', line('header', { summary: ' ' }), /summary/],
    ['bad json', `${line('header', { summary: 's' })}\n{oops`, /line 2: not valid JSON/],
    ['bad oid', `${line('header', { summary: 's' })}\n${line('lfsFile', { path: 'a', oid: 'xyz' })}`, /sha256/],
    ['unknown key', `${line('header', { summary: 's' })}\n${line('symlink', { path: 'a' })}`, /unknown key/],
    ['missing path', `${line('header', { summary: 's' })}\n${line('deletedFile', {})}`, /'path'/],
  ])('refuses %s with a 400 that says where', (_name, body, message) => {
    expect(() => parseNdjsonCommit(body)).toThrow(message);
  });
});

describe('uploadModeFor', () => {
  const options = { thresholdBytes: 10 * 1024 * 1024, lfsPatterns: lfsPatternsFrom('*.safetensors filter=lfs diff=lfs merge=lfs -text\n# comment\n*.md text') };
  const text = Buffer.from('hello').toString('base64');
  const binary = Buffer.from([1, 0, 2]).toString('base64');

  it('keeps small text files regular', () => expect(uploadModeFor({ path: 'README.md', size: 5, sample: text }, options)).toBe('regular'));
  it('sends large files through lfs', () => expect(uploadModeFor({ path: 'a.txt', size: 11 * 1024 * 1024, sample: text }, options)).toBe('lfs'));
  it('sends binary samples through lfs', () => expect(uploadModeFor({ path: 'a.dat', size: 3, sample: binary }, options)).toBe('lfs'));
  it('honours .gitattributes at any depth', () => expect(uploadModeFor({ path: 'sub/m.safetensors', size: 5, sample: text }, options)).toBe('lfs'));
  it('keeps empty files regular', () => expect(uploadModeFor({ path: 'm.safetensors', size: 0, sample: '' }, options)).toBe('regular'));
});
