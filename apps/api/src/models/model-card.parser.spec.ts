import { ModelCardParser } from './model-card.parser';

describe('ModelCardParser', () => {
  const parser = new ModelCardParser();
  const card = (yaml: string, body = '# My model\n') => `---\n${yaml}\n---\n${body}`;

  it('reads the Hugging Face metadata fields', () => {
    const parsed = parser.parse(
      card(
        [
          'license: apache-2.0',
          'pipeline_tag: text-classification',
          'library_name: transformers',
          'language:',
          '  - zh',
          '  - en',
          'tags: [sentiment, chinese]',
          'datasets:',
          '  - acme/reviews',
          'base_model: bert-base-chinese',
          'model-index:',
          '  - name: x',
          '    results: []',
        ].join('\n'),
      ),
    );
    expect(parsed).toEqual({
      license: 'apache-2.0',
      pipelineTag: 'text-classification',
      libraryName: 'transformers',
      languages: ['zh', 'en'],
      tags: ['sentiment', 'chinese'],
      datasets: ['acme/reviews'],
      baseModels: ['bert-base-chinese'],
      taskCategories: [],
      sizeCategories: [],
      cardData: expect.objectContaining({ license: 'apache-2.0', 'model-index': [{ name: 'x', results: [] }] }),
      warnings: [],
    });
  });

  it('accepts a single string or a list for language and base_model', () => {
    expect(parser.parse(card('language: fr\nbase_model: [a/b, c/d]'))).toMatchObject({ languages: ['fr'], baseModels: ['a/b', 'c/d'], warnings: [] });
  });

  it('handles CRLF line endings, a BOM and an empty body', () => {
    expect(parser.parse('\uFEFF---\r\nlicense: mit\r\n---\r\n')).toMatchObject({ license: 'mit', warnings: [] });
  });

  it('null README: no metadata and no warning', () => {
    expect(parser.parse(null)).toMatchObject({ cardData: null, license: null, tags: [], warnings: [] });
  });

  it('README without front-matter: a warning, no metadata', () => {
    const parsed = parser.parse('# Just prose\n\nlicense: mit\n');
    expect(parsed.cardData).toBeNull();
    expect(parsed.license).toBeNull();
    expect(parsed.warnings).toEqual([expect.stringContaining('no YAML metadata block')]);
  });

  it('unclosed front-matter is a warning', () => {
    expect(parser.parse('---\nlicense: mit\n# title\n').warnings).toEqual([expect.stringContaining('not closed')]);
  });

  it('malformed YAML is a warning with its line, never an exception', () => {
    const parsed = parser.parse(card('license: mit\ntags: [a, b\npipeline_tag: x'));
    expect(parsed.cardData).toBeNull();
    expect(parsed.license).toBeNull();
    expect(parsed.warnings.length).toBeGreaterThan(0);
    expect(parsed.warnings[0]).toMatch(/^Invalid YAML metadata in README\.md: .*line \d+/);
  });

  it('duplicate keys are malformed YAML', () => {
    expect(parser.parse(card('license: mit\nlicense: apache-2.0')).warnings).toEqual([
      'Invalid YAML metadata in README.md: Map keys must be unique (README.md line 3, column 1)',
    ]);
  });

  it('wrongly typed values become warnings and are ignored; the rest is kept', () => {
    const parsed = parser.parse(
      card(['license: [mit, apache-2.0]', 'pipeline_tag: 3', 'library_name: { a: 1 }', 'tags: [ok, 7, { x: 1 }]', 'language: true', 'datasets: d1'].join('\n')),
    );
    expect(parsed).toMatchObject({ license: null, pipelineTag: null, libraryName: null, tags: ['ok'], languages: [], datasets: ['d1'] });
    expect(parsed.warnings).toEqual([
      '"license" must be a string, not a list; it was ignored',
      '"pipeline_tag" must be a string, not a number (3); it was ignored',
      '"library_name" must be a string, not a mapping; it was ignored',
      '"tags[1]" must be a string, not a number (7); it was ignored',
      '"tags[2]" must be a string, not a mapping; it was ignored',
      '"language" must be a string or a list of strings, not a boolean (true); it was ignored',
    ]);
    expect(parsed.cardData).toMatchObject({ pipeline_tag: 3, tags: ['ok', 7, { x: 1 }] });
  });

  it('front-matter that is not a mapping is a warning', () => {
    const parsed = parser.parse(card('- a\n- b'));
    expect(parsed.cardData).toBeNull();
    expect(parsed.warnings).toEqual([expect.stringContaining('must be a mapping')]);
  });

  it('empty front-matter gives empty cardData and a warning', () => {
    expect(parser.parse('---\n---\n# x')).toMatchObject({ cardData: {}, warnings: [expect.stringContaining('empty')] });
  });

  it('keeps cardData storable as jsonb (no NUL, no Infinity)', () => {
    const parsed = parser.parse(card('license: "mi\\0t"\nscore: .inf'));
    expect(parsed.license).toBe('mit');
    expect(parsed.cardData).toEqual({ license: 'mit', score: null });
  });

  it('refuses alias bombs as malformed', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const parsed = parser.parse(card(bomb));
    expect(parsed.cardData).toBeNull();
    expect(parsed.warnings[0]).toMatch(/Invalid YAML/);
  });

  it('trims, drops empty values and duplicates', () => {
    expect(parser.parse(card('tags: [" a ", "", a, b]')).tags).toEqual(['a', 'b']);
  });

  describe('validateYaml', () => {
    it('errors only when the YAML cannot be parsed', () => {
      const bad = parser.validateYaml(card('tags: [a'));
      expect(bad.errors).toEqual([{ message: expect.any(String) }]);
      const typed = parser.validateYaml(card('license: 5'));
      expect(typed).toEqual({ errors: [], warnings: [{ message: expect.stringContaining('"license" must be a string') }] });
      expect(parser.validateYaml(card('license: mit'))).toEqual({ errors: [], warnings: [] });
    });
  });

  it('reads a dataset card: its own fields, the common ones, and none of a model card', () => {
    const parsed = parser.parse(
      card(
        [
          'license: cc-by-nc-4.0',
          'pretty_name: Reviews',
          'task_categories: [text-classification]',
          'task_ids: [sentiment-classification]',
          'language: [zh, en]',
          'size_categories: 10K<n<100K',
          'tags: [reviews]',
          'base_model: not/read',
          'configs:',
          '  - config_name: default',
          '    data_files:',
          '      - split: train',
          '        path: data/train-*.parquet',
        ].join('\n'),
      ),
      'dataset',
    );
    expect(parsed).toMatchObject({
      license: 'cc-by-nc-4.0',
      taskCategories: ['text-classification'],
      sizeCategories: ['10K<n<100K'],
      languages: ['zh', 'en'],
      tags: ['reviews'],
      baseModels: [],
      pipelineTag: null,
      warnings: [],
    });
    expect(parsed.cardData?.configs).toEqual([{ config_name: 'default', data_files: [{ split: 'train', path: 'data/train-*.parquet' }] }]);
    expect(parser.parse(card('task_categories: {a: 1}'), 'dataset').warnings).toEqual([
      '"task_categories" must be a string or a list of strings, not a mapping; it was ignored',
    ]);
  });

  it('warns about a base_model_relation it does not know (the relation is then inferred)', () => {
    expect(parser.parse(card('base_model: a/b\nbase_model_relation: lora')).warnings).toEqual([
      '"base_model_relation" must be one of finetune, adapter, quantized, merge, not a string ("lora"); the relation is inferred instead',
    ]);
  });
});
