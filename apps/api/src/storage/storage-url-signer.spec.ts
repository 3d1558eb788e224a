import { StorageUrlSigner } from './storage-url-signer';

describe('StorageUrlSigner', () => {
  const signer = new StorageUrlSigner('a-secret-of-the-data-folder-0123456789');
  const now = Date.parse('2026-12-01T12:00:00Z');
  const key = 'blobs/sha256/ab/ab12 é';
  const query = (url: string) => new URL(url, 'http://hub').searchParams;
  const keyOf = (url: string) => new URL(url, 'http://hub').pathname.slice('/_storage/'.length).split('/').map(decodeURIComponent).join('/');

  it('accepts what it signed, until it expires', () => {
    const url = signer.sign('PUT', key, { uploadId: 'u-1', partNumber: '3', range: undefined }, 60, now);
    expect(url).toMatch(/^\/_storage\/blobs\/sha256\/ab\/ab12%20%C3%A9\?/);
    expect(signer.verify('PUT', keyOf(url), query(url), now + 59_000)).toEqual({
      ok: true,
      params: { uploadId: 'u-1', partNumber: '3', expires: String(now / 1000 + 60) },
    });
    expect(signer.verify('PUT', key, query(url), now + 60_000)).toMatchObject({ ok: false, code: 'url_expired' });
  });

  it('refuses another method, key, value, an added, repeated or missing parameter, another secret', () => {
    const url = signer.sign('PUT', key, { uploadId: 'u-1', partNumber: '3' }, 60, now);
    const changed = (edit: (q: URLSearchParams) => void) => {
      const q = query(url);
      edit(q);
      return q;
    };
    expect(signer.verify('GET', key, query(url), now)).toMatchObject({ code: 'invalid_signature' });
    expect(signer.verify('PUT', `${key}x`, query(url), now)).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.set('partNumber', '4')),
        now,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.set('expires', String(now / 1000 + 999))),
        now,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.set('range', 'bytes=0-1')),
        now,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.append('uploadId', 'u-1')),
        now,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.set('X-Amz-Signature', 'x')),
        now,
      ),
    ).toMatchObject({ code: 'invalid_signature' });
    expect(
      signer.verify(
        'PUT',
        key,
        changed((q) => q.delete('signature')),
        now,
      ),
    ).toMatchObject({ code: 'unsigned_url' });
    expect(signer.verify('PUT', key, new URLSearchParams(), now)).toMatchObject({ code: 'unsigned_url' });
    expect(new StorageUrlSigner('another-secret-another-secret-0123456').verify('PUT', key, query(url), now)).toMatchObject({ code: 'invalid_signature' });
  });
});
