import { isPrivateAddress, webhookTargetProblem } from './webhook-target';

describe('webhook targets', () => {
  it('knows loopback, private, link-local and unique-local addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700::1111', '172.32.0.1']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
  });

  it('refuses non-http(s) URLs and credentials always, private hosts unless allowed', async () => {
    expect(await webhookTargetProblem('ftp://example.org/hook', true)).toMatch(/http\(s\)/);
    expect(await webhookTargetProblem('not a url', true)).toMatch(/absolute/);
    expect(await webhookTargetProblem('https://user:pw@example.org/hook', true)).toMatch(/credentials/);
    expect(await webhookTargetProblem('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(await webhookTargetProblem('http://127.0.0.1:9000/hook', false)).toMatch(/loopback, private or link-local/);
    expect(await webhookTargetProblem('http://[::1]/hook', false)).toMatch(/loopback/);
    expect(await webhookTargetProblem('http://localhost:8080/hook', false)).toMatch(/this machine/);
    expect(await webhookTargetProblem('http://169.254.169.254/latest/meta-data', false)).toMatch(/link-local/);
    expect(await webhookTargetProblem('https://93.184.215.14/hook', false)).toBeNull();
  });
});
