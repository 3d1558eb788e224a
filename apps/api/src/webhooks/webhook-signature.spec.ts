import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_unit_test_secret';
  const body = '{"event":"model.created","data":{"model":"acme/bert"}}';
  const now = 1_800_000_000_000;
  const timestamp = String(now / 1000);

  it('is sha256= and the hex HMAC-SHA256 of timestamp + "." + body', () => {
    const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    expect(signWebhook(secret, timestamp, body)).toBe(`sha256=${expected}`);
  });

  it('verifies a fresh, untouched delivery', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhook(secret, { signature, timestamp }, body, { now })).toBe(true);
  });

  it('refuses another secret, a changed body or timestamp, a missing header, and deliveries older than 5 minutes', () => {
    const signature = signWebhook(secret, timestamp, body);
    expect(verifyWebhook('another-secret', { signature, timestamp }, body, { now })).toBe(false);
    expect(verifyWebhook(secret, { signature, timestamp }, body.replace('bert', 'gpt'), { now })).toBe(false);
    expect(verifyWebhook(secret, { signature, timestamp: String(Number(timestamp) + 1) }, body, { now })).toBe(false);
    expect(verifyWebhook(secret, { signature: undefined, timestamp }, body, { now })).toBe(false);
    expect(verifyWebhook(secret, { signature, timestamp }, body, { now: now + 301_000 })).toBe(false);
    expect(verifyWebhook(secret, { signature, timestamp }, body, { now: now + 299_000 })).toBe(true);
  });
});
