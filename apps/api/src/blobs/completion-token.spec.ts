import { checkCompletionToken, signCompletionToken } from './completion-token';

describe('completion token', () => {
  const secret = 'a-secret-of-at-least-thirty-two-characters';
  const id = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
  const later = new Date(Date.now() + 3600_000);

  it('accepts its own signature until it expires', () => {
    const token = signCompletionToken(secret, id, later);
    expect(checkCompletionToken(secret, id, token)).toBe('valid');
    expect(checkCompletionToken(secret, id, token, new Date(later.getTime() + 1000))).toBe('expired');
  });

  it('is bound to the upload, the expiry and the secret', () => {
    const token = signCompletionToken(secret, id, later);
    const [expires, sig] = token.split('.');
    expect(checkCompletionToken(secret, '2b4e28ba-2fa1-11d2-883f-0016d3cca427', token)).toBe('invalid');
    expect(checkCompletionToken(secret, id, `${Number(expires) + 3600}.${sig}`)).toBe('invalid');
    expect(checkCompletionToken('another-secret-of-at-least-thirty-two-chars', id, token)).toBe('invalid');
  });

  it('refuses malformed tokens', () => {
    for (const token of [undefined, '', 'abc', '123.', '.abc', `12.${'A'.repeat(42)}`, `x.${'A'.repeat(43)}`]) {
      expect(checkCompletionToken(secret, id, token)).toBe('invalid');
    }
  });
});
