import { pullRequestNumber } from '../hf-compat/hf-commit.service';
import { decodeRef, PULL_REQUEST_REF } from './revision.service';

describe('pull request refs', () => {
  it.each([
    ['refs/pr/1', 1],
    ['refs%2Fpr%2F12', 12],
    ['REFS%2fpr%2f3', null],
    ['refs/pr/0', null],
    ['refs/pr/01', null],
    ['refs/pr/1/x', null],
    ['refs/heads/main', null],
    ['main', null],
  ])('%s is pull request %s', (revision, number) => {
    expect(pullRequestNumber(revision)).toBe(number);
  });

  it('decodes only a ref spelled with %2F, leaving other names as they are', () => {
    expect(decodeRef('refs%2Fheads%2Fmain')).toBe('refs/heads/main');
    expect(decodeRef('a%2Fb')).toBe('a%2Fb');
    expect(PULL_REQUEST_REF.test(decodeRef('refs%2Fpr%2F7'))).toBe(true);
  });
});
