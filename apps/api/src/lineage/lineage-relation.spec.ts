import { configDataFiles, dataFormatsOf } from './dataset-formats';
import { baseModelRelation, RelationEvidence } from './lineage-relation';
import { refKey } from './lineage-refs';

const evidence = (over: Partial<RelationEvidence>): RelationEvidence => ({
  declared: undefined,
  baseModelCount: 1,
  paths: ['README.md'],
  config: null,
  repoName: 'tuned',
  ...over,
});

describe('baseModelRelation', () => {
  it('takes a valid declared relation as the card says it', () => {
    expect(baseModelRelation(evidence({ declared: 'merge', paths: ['adapter_config.json'] }))).toEqual({ relation: 'merge', source: 'card' });
  });

  it('infers adapter from adapter_config.json at the root, before anything else', () => {
    expect(baseModelRelation(evidence({ declared: 'lora', paths: ['adapter_config.json', 'model.gguf'], baseModelCount: 2 }))).toEqual({
      relation: 'adapter',
      source: 'inferred',
    });
    // Not at the root: not the repository's own adapter.
    expect(baseModelRelation(evidence({ paths: ['sub/adapter_config.json'] })).relation).toBe('finetune');
  });

  it('infers quantized from GGUF files, a quantization_config, or a quantization marker in the name', () => {
    expect(baseModelRelation(evidence({ paths: ['q/model-Q4_K_M.GGUF'] })).relation).toBe('quantized');
    expect(baseModelRelation(evidence({ config: { quantization_config: { bits: 4 } } })).relation).toBe('quantized');
    for (const name of ['Llama-3-8B-GPTQ', 'mistral-7b-awq', 'phi-2-4bit', 'Qwen2-7B-Q4_K_M', 'model.int8']) {
      expect(baseModelRelation(evidence({ repoName: name })).relation).toBe('quantized');
    }
    for (const name of ['bert-base', 'awesome-model', 'quokka-7b', 'gguf2vec'])
      expect(baseModelRelation(evidence({ repoName: name })).relation).toBe('finetune');
  });

  it('infers merge from several base models, otherwise finetune', () => {
    expect(baseModelRelation(evidence({ baseModelCount: 2 }))).toEqual({ relation: 'merge', source: 'inferred' });
    expect(baseModelRelation(evidence({ config: { quantization_config: 'no' } }))).toEqual({ relation: 'finetune', source: 'inferred' });
  });
});

describe('dataset formats and references', () => {
  it('names formats as the dataset viewer infers them, compressed files and media folders included', () => {
    expect(dataFormatsOf(['README.md', 'data/train-0.parquet', 'b.jsonl.gz', 'c.TSV', 'img/a.png', 'x.py', '.gitattributes', 'noext'])).toEqual([
      'csv',
      'imagefolder',
      'json',
      'parquet',
    ]);
  });

  it('reads configs data_files as a string, a list, or a list of {split, path}', () => {
    const cardData = {
      configs: [
        { config_name: 'a', data_files: 'a/*.csv' },
        { config_name: 'b', data_files: ['b1.json', 'b2.json'] },
        {
          config_name: 'c',
          data_files: [
            { split: 'train', path: 'c/train-*.parquet' },
            { split: 'test', path: ['t1.arrow'] },
          ],
        },
      ],
    };
    expect(configDataFiles(cardData)).toEqual(['a/*.csv', 'b1.json', 'b2.json', 'c/train-*.parquet', 't1.arrow']);
    expect(dataFormatsOf(configDataFiles(cardData))).toEqual(['arrow', 'csv', 'json', 'parquet']);
    expect(configDataFiles({ configs: 'nope' })).toEqual([]);
  });

  it('keys references case-insensitively; canonical names and URLs too', () => {
    expect(refKey('Acme/Base-Model')).toEqual({ namespaceKey: 'acme', nameKey: 'base-model' });
    expect(refKey('https://huggingface.co/datasets/Acme/Data')).toEqual({ namespaceKey: 'acme', nameKey: 'data' });
    expect(refKey('bert-base-uncased')).toEqual({ namespaceKey: '', nameKey: 'bert-base-uncased' });
  });
});
