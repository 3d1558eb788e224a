import { bigrams, cardText, prepareQuery, searchDocument, withCorrections } from './search-text';

const tsqueries = (q: string) => prepareQuery(q).parts.map((p) => p.tsquery);

describe('search text', () => {
  it('splits Chinese runs into words and consecutive bigrams, leaving Latin text alone', () => {
    const doc = searchDocument('BERT 用于电商评论的中文情感分析模型.');
    expect(doc).toBe('BERT 用于 电 商 评论 的 中文 情感 分析 模型 . 用于 于电 电商 商评 评论 论的 的中 中文 文情 情感 感分 分析 析模 模型');
    expect(bigrams('模')).toEqual(['模']);
  });

  it('turns queries into quoted prefix terms; short words only match names', () => {
    expect(prepareQuery('  BERT  base ')).toEqual({
      text: 'bert base',
      parts: [
        { tsquery: "'bert':*", word: 'bert' },
        { tsquery: "'base':*", word: 'base' },
      ],
    });
    expect(tsqueries('t5')).toEqual(["'t5':*A"]);
    expect(tsqueries("it's & | !")).toEqual(["'it':*A", "'s':*A"]);
    expect(tsqueries('!!!')).toEqual([]);
    expect(tsqueries('bert BERT bert-base')).toEqual(["'bert':*", "'base':*"]);
  });

  it('widens a word by its corrections, which match names only', () => {
    const [part] = prepareQuery('lama').parts;
    expect(withCorrections(part, ['llama', 'alpaca'])).toBe("('lama':* | 'llama':A | 'alpaca':A)");
    expect(withCorrections(part, [])).toBe("'lama':*");
  });

  it('matches a Chinese run by its words or by its bigram phrase', () => {
    expect(tsqueries('情感分析')).toEqual(["(('情感' & '分析') | ('情感' <-> '感分' <-> '分析'))"]);
    expect(tsqueries('电商')).toEqual(["('电商')"]);
    expect(tsqueries('模')).toEqual(["'模':*"]);
    expect(tsqueries('bert 中文')).toEqual(["'bert':*", "('中文')"]);
  });

  it('reads a card as text: no front-matter, code or link targets', () => {
    const readme =
      '---\nlicense: mit\n---\n# Title\n\nSee [the paper](https://x.org/p).\n\n```python\nimport os\n```\n| a | b |\n|---|---|\n<img src="x.png"> 中文模型';
    expect(cardText(readme)).toBe('Title See the paper. a b 中文模型');
  });
});
