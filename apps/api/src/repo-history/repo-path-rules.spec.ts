import { normalizeFolderPath, refNameProblem, repoPathProblem } from './repo-path-rules';

describe('repoPathProblem', () => {
  it.each(['README.md', 'a/b/c.safetensors', 'weights/model-00001-of-00002.bin', '.gitattributes', 'dir.git/x', 'a..b/c', '模型/权重.bin', 'x'.repeat(1024)])(
    'accepts %j',
    (path) => expect(repoPathProblem(path, 1024)).toBeNull(),
  );

  it.each([
    ['', 'empty'],
    ['..', "'..'"],
    ['a/../b', "'..'"],
    ['/abs', 'absolute'],
    ['\\x', "'\\'"],
    ['a\\b.txt', "'\\'"],
    ['a/b\\..\\..\\c', "'\\'"],
    ['dir\\', "'\\'"],
    ['D:/x', 'drive-letter'],
    ['a\u0000b', 'control'],
    ['a\tb', 'control'],
    ['a\u007fb', 'control'],
    ['a\u0085b', 'control'],
    ['.git', "'.git/'"],
    ['.GIT/config', "'.git/'"],
    ['a/.git/x', "'.git/'"],
    ['a//b', 'empty segments'],
    ['a/', 'empty segments'],
    ['a/./b', "'.'"],
    ['x'.repeat(1025), 'limit is 1024'],
  ])('refuses %j (%s)', (path, why) => expect(repoPathProblem(path, 1024)).toContain(why));

  it('drops trailing slashes of folder paths', () => {
    expect(normalizeFolderPath('a/b//')).toBe('a/b');
    expect(normalizeFolderPath('a')).toBe('a');
  });
});

describe('refNameProblem', () => {
  it.each(['main', 'v1.0.0', '1.0', 'feature/new-tokenizer', 'release_2024-06', 'v2.0.0-rc.1+build.5'])('accepts %j', (name) =>
    expect(refNameProblem(name)).toBeNull(),
  );

  it.each([
    '',
    'HEAD',
    '@',
    'a b',
    'a..b',
    'a~1',
    'a^2',
    'a:b',
    'a?',
    'a*',
    'a[0]',
    'a\\b',
    '/a',
    'a/',
    '-a',
    '.a',
    'a.',
    'a/.b',
    'a.lock',
    'a/b.lock/c',
    'a@{u}',
    'a//b',
    'refs/heads/x',
    'a'.repeat(201),
    'f'.repeat(40),
  ])('refuses %j', (name) => expect(refNameProblem(name)).not.toBeNull());
});
