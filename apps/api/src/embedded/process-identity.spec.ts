import { spawnSync } from 'node:child_process';
import { identityOf, isRunning, pidExists } from './process-identity';

describe('process identity', () => {
  it('tells the recorded process from another one that got its pid', () => {
    const self = identityOf(process.pid)!;
    expect(isRunning(self)).toBe(true);
    expect(isRunning({ ...self, startTime: `${self.startTime}0` })).toBe(false);
    expect(isRunning({ ...self, bootId: 'another boot' })).toBe(false);
  });

  it('knows a process that has exited is gone', () => {
    const gone = spawnSync('true').pid;
    expect(pidExists(gone)).toBe(false);
    expect(identityOf(gone)).toBeUndefined();
  });
});
