import { downloader, isCountedDownload, utcDay } from './download-counting-rules';

describe('download counting rules', () => {
  it('counts weights, not the card or configuration files', () => {
    for (const path of ['model.safetensors', 'pytorch_model.bin', 'sub/model-00001-of-00002.safetensors', 'ggml-q4.gguf', 'vocab.txt'])
      expect(isCountedDownload(path)).toBe(true);
    for (const path of [
      'README.md',
      'readme.MD',
      'docs/notes.md',
      'config.json',
      'tokenizer_config.json',
      'model.safetensors.index.json',
      'params.yaml',
      '.gitattributes',
      'sub/.gitignore',
    ]) {
      expect(isCountedDownload(path)).toBe(false);
    }
  });

  it('counts once per user, else per address, per UTC day', () => {
    expect(downloader('u-1', '10.0.0.1')).toBe('u:u-1');
    expect(downloader(null, '10.0.0.1')).toBe('a:10.0.0.1');
    expect(downloader(undefined, null)).toBe('a:unknown');
    expect(utcDay(new Date('2026-11-28T23:59:59.999Z'))).toBe('2026-11-28');
  });
});
