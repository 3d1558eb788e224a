import { bigrams, cardText, prepareQuery, searchDocument } from './search-text';

describe('search text', () => {
  it('splits Chinese runs into words and consecutive bigrams, leaving Latin text alone', () => {
    const doc = searchDocument('BERT 用于电商评论的中文情感分析模型.');
    expect(doc).toBe('BERT 用于 电 商 评论 的 中文 情感 分析 模型 . 用于 于电 电商 商评 评论 论的 的中 中文 文情 情感 感分 分析 析模 模型');
    expect(bigrams('模')).toEqual(['模']);
  });

  it('turns queries into quoted prefix terms; short words only match names', () => {
    expect(prepareQuery('  BERT  base ').tsquery).toBe("'bert':* & 'base':*");
    expect(prepareQuery('t5').tsquery).toBe("'t5':*A");
    expect(prepareQuery("it's & | !").tsquery).toBe("'it':*A & 's':*A");
    expect(prepareQuery('!!!').tsquery).toBeNull();
  });

  it('matches a Chinese run by its words or by its bigram phrase', () => {
    expect(prepareQuery('情感分析').tsquery).toBe("(('情感' & '分析') | ('情感' <-> '感分' <-> '分析'))");
    expect(prepareQuery('电商').tsquery).toBe("('电商')");
    expect(prepareQuery('模').tsquery).toBe("'模':*");
    expect(prepareQuery('bert 中文').tsquery).toBe("'bert':* & ('中文')");
  });

  it('reads a card as text: no front-matter, code or link targets', () => {
    const readme = '---\nlicense: mit\n---\n# Title\n\nSee [the paper](https://x.org/p).\n\n```python\nimport os\n```\n| a | b |\n|---|---|\n<img src="x.png"> 中文模型';
    expect(cardText(readme)).toBe('Title See the paper. a b 中文模型');
  });
});
