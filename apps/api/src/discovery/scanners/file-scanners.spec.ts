import {
  buildSafetensors,
  buildZip,
  customClassPickle,
  evalPickleProtocol4,
  legacyTorchFile,
  osSystemPickle,
  popenViaMemoPickle,
  stateDictPickle,
  torchZip,
} from '../../../../../test/discovery/support/checkpoints';
import { BufferSource } from './byte-source';
import { scanKindOf, scanPickleFile, scanSafetensors } from './file-scanners';
import { classifyImport } from './pickle-import-policy';

const names = (scan: Awaited<ReturnType<typeof scanPickleFile>>) => scan.details.imports.map((i) => `${i.module}.${i.name}`);

describe('file scanners', () => {
  it('picks the scanner by extension', () => {
    expect(scanKindOf('model.safetensors')).toBe('safetensors');
    expect(scanKindOf('sub/pytorch_model.BIN')).toBe('pickle');
    expect(['a.pt', 'a.pth', 'a.pkl', 'a.ckpt'].map(scanKindOf)).toEqual(['pickle', 'pickle', 'pickle', 'pickle']);
    expect(scanKindOf('config.json')).toBeNull();
  });

  it('reads a safetensors header: tensors, dtypes, parameters per dtype', async () => {
    const file = buildSafetensors(
      { 'a.weight': { dtype: 'F32', shape: [4, 3] }, 'a.bias': { dtype: 'F32', shape: [4] }, emb: { dtype: 'BF16', shape: [10, 2] } },
      { format: 'pt' },
    );
    const scan = await scanSafetensors(new BufferSource(file));
    expect(scan).toMatchObject({
      verdict: 'ok',
      details: { tensorCount: 3, dtypes: ['BF16', 'F32'], parameters: { F32: 16, BF16: 20 }, total: 36, metadata: { format: 'pt' } },
    });
  });

  it('refuses broken safetensors files with a reason', async () => {
    const good = buildSafetensors({ w: { dtype: 'F16', shape: [8] } });
    const truncated = good.subarray(0, good.length - 4);
    expect((await scanSafetensors(new BufferSource(truncated))).error).toMatch(/ends at byte 16 of a 12-byte data section/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(1n << 40n);
    expect((await scanSafetensors(new BufferSource(huge))).verdict).toBe('invalid');
    const badDtype = Buffer.from(good);
    badDtype.write('"F17"', badDtype.indexOf('"F16"'));
    expect((await scanSafetensors(new BufferSource(badDtype))).error).toMatch(/unknown dtype "F17"/);
  });

  it('finds only allowlisted imports in a state dict, plain and inside a PyTorch zip', async () => {
    const plain = await scanPickleFile(new BufferSource(stateDictPickle()));
    expect(plain.verdict).toBe('safe');
    expect(names(plain)).toEqual(['collections.OrderedDict', 'torch.FloatStorage', 'torch._utils._rebuild_tensor_v2']);
    for (const deflate of [false, true]) {
      const zipped = await scanPickleFile(new BufferSource(torchZip(stateDictPickle(), { deflate })));
      expect(zipped).toMatchObject({ verdict: 'safe', details: { format: 'pytorch-zip', entries: ['archive/data.pkl'] } });
      expect(names(zipped)).toEqual(names(plain));
    }
  });

  it('classifies os.system, builtins.eval through STACK_GLOBAL and memo references as dangerous', async () => {
    const os = await scanPickleFile(new BufferSource(osSystemPickle()));
    expect(os.verdict).toBe('dangerous');
    expect(os.details.imports).toEqual([{ module: 'os', name: 'system', safety: 'dangerous' }]);
    const ev = await scanPickleFile(new BufferSource(evalPickleProtocol4()));
    expect(ev.details.imports).toEqual([{ module: 'builtins', name: 'eval', safety: 'dangerous' }]);
    const popen = await scanPickleFile(new BufferSource(popenViaMemoPickle()));
    expect(names(popen)).toEqual(['subprocess.Popen']);
    expect(popen.verdict).toBe('dangerous');
    const zipped = await scanPickleFile(new BufferSource(torchZip(osSystemPickle())));
    expect(zipped).toMatchObject({ verdict: 'dangerous', details: { format: 'pytorch-zip' } });
  });

  it('classifies unknown classes as suspicious', async () => {
    const scan = await scanPickleFile(new BufferSource(customClassPickle()));
    expect(scan.verdict).toBe('suspicious');
    expect(scan.details.imports).toEqual([{ module: '__main__', name: 'TrainingArgs', safety: 'suspicious' }]);
    expect(classifyImport('__builtin__', 'getattr')).toBe('dangerous');
    expect(classifyImport('torch', 'BFloat16Storage')).toBe('safe');
    expect(classifyImport('os.path', 'join')).toBe('dangerous');
  });

  it('reads the five pickles of the legacy PyTorch format and stops at the tensor bytes', async () => {
    const scan = await scanPickleFile(new BufferSource(legacyTorchFile()));
    expect(scan).toMatchObject({ verdict: 'safe', details: { format: 'pickle', trailingData: true } });
    expect(scan.error).toBeUndefined();
    const evil = await scanPickleFile(new BufferSource(legacyTorchFile(osSystemPickle())));
    expect(evil.verdict).toBe('dangerous');
  });

  it('says what it could not read', async () => {
    const notPickle = await scanPickleFile(new BufferSource(Buffer.from([0xff, 0x00, 0x01])));
    expect(notPickle).toMatchObject({ verdict: 'safe', details: { format: 'not-pickle', imports: [] } });
    const cut = osSystemPickle().subarray(0, 16); // after GLOBAL os.system, before the call
    const broken = await scanPickleFile(new BufferSource(cut));
    expect(broken.verdict).toBe('dangerous');
    expect(broken.error).toMatch(/end of data/);
    const brokenZip = await scanPickleFile(new BufferSource(buildZip([{ name: 'archive/data.pkl', data: Buffer.from('garbage') }]).subarray(0, 40)));
    expect(brokenZip.verdict).toBe('suspicious');
  });
});
