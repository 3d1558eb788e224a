import { PerSecondMemo } from './per-second-memo';

describe('PerSecondMemo', () => {
  it('computes a key once per second, with that second, and forgets the previous second', async () => {
    const memo = new PerSecondMemo<string>();
    const compute = jest.fn(async (second: number) => `v@${second}`);
    expect(await memo.get('k', compute, 5_000)).toBe('v@5');
    expect(await memo.get('k', compute, 5_999)).toBe('v@5');
    expect(compute).toHaveBeenCalledTimes(1);
    expect(await memo.get('other', compute, 5_500)).toBe('v@5');
    expect(await memo.get('k', compute, 6_000)).toBe('v@6');
    expect(compute).toHaveBeenCalledTimes(3);
    expect((memo as unknown as { values: Map<string, unknown> }).values.size).toBe(1);
  });

  it('does not keep a failure', async () => {
    const memo = new PerSecondMemo<string>();
    await expect(memo.get('k', () => Promise.reject(new Error('down')), 1_000)).rejects.toThrow('down');
    expect(await memo.get('k', async () => 'ok', 1_100)).toBe('ok');
  });
});
