import { assertValidModelName, modelNameProblem } from './model-name-rules';

describe('model name rules', () => {
  it.each(['a', 'bert', 'Qwen2.5-7B-Instruct', 'gpt_2', 'x'.repeat(96), '7b', 'a-b_c.d', 'model_'])('accepts %s', (name) => {
    expect(modelNameProblem(name)).toBeNull();
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(97), 'at most 96'],
    ['has space', 'only letters'],
    ['ünicode', 'only letters'],
    ['a/b', 'only letters'],
    ['-lead', 'start with a letter or digit'],
    ['_lead', 'start with a letter or digit'],
    ['.hidden', 'start with a letter or digit'],
    ['trail-', 'not end with'],
    ['trail.', 'not end with'],
    ['a--b', '"--"'],
    ['a..b', '".."'],
    ['repo.git', '".git"'],
    ['repo.GIT', '".git"'],
  ])('refuses %j (%s)', (name, expected) => {
    expect(modelNameProblem(name)).toContain(expected);
  });

  it('throws a 400 naming the problem', () => {
    expect(() => assertValidModelName('a--b')).toThrow(/Invalid model name 'a--b': the name must not contain "--"/);
  });
});
