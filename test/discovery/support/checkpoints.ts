import { deflateRawSync } from 'node:zlib';

/**
 * Builds real checkpoint files byte by byte, as the tools that write them do: safetensors
 * (header length, JSON header, tensor bytes), pickles (Python's opcodes, protocols 2 and 4) and
 * PyTorch's zip archives (`<name>/data.pkl` plus tensor entries, with a central directory).
 */

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, BOOL: 1 };

/** A valid safetensors file; every tensor's bytes are zeros (or `fill`). */
export function buildSafetensors(tensors: Record<string, { dtype: string; shape: number[] }>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = t.shape.reduce((n, d) => n * d, 1) * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // The format pads the header with spaces to a multiple of 8 bytes.
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), Buffer.alloc(offset, 1)]);
}

/** Writes pickle opcodes (names as in Python's pickletools). */
export class PickleWriter {
  private readonly parts: Buffer[] = [];
  private memo = 0;

  private op(...bytes: (number | Buffer)[]): this {
    for (const b of bytes) this.parts.push(typeof b === 'number' ? Buffer.from([b]) : b);
    return this;
  }

  proto(v: number) {
    return this.op(0x80, v);
  }
  frame(length: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(length));
    return this.op(0x95, b);
  }
  global(module: string, name: string) {
    return this.op(0x63, Buffer.from(`${module}\n${name}\n`));
  }
  inst(module: string, name: string) {
    return this.op(0x69, Buffer.from(`${module}\n${name}\n`));
  }
  stackGlobal() {
    return this.op(0x93);
  }
  unicode(s: string) {
    const b = Buffer.from(s);
    const n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    return this.op(0x58, n, b);
  }
  shortUnicode(s: string) {
    const b = Buffer.from(s);
    return this.op(0x8c, b.length, b);
  }
  shortBinbytes(b: Buffer) {
    return this.op(0x43, b.length, b);
  }
  binint1(v: number) {
    return this.op(0x4b, v);
  }
  binint(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return this.op(0x4a, b);
  }
  none() {
    return this.op(0x4e);
  }
  newfalse() {
    return this.op(0x89);
  }
  mark() {
    return this.op(0x28);
  }
  tuple() {
    return this.op(0x74);
  }
  tuple1() {
    return this.op(0x85);
  }
  tuple2() {
    return this.op(0x86);
  }
  emptyTuple() {
    return this.op(0x29);
  }
  emptyDict() {
    return this.op(0x7d);
  }
  setitems() {
    return this.op(0x75);
  }
  reduce() {
    return this.op(0x52);
  }
  build() {
    return this.op(0x62);
  }
  binpersid() {
    return this.op(0x51);
  }
  /** BINPUT of the next memo slot (protocol 2 style). */
  binput() {
    return this.op(0x71, this.memo++);
  }
  /** MEMOIZE (protocol 4). */
  memoize() {
    this.memo++;
    return this.op(0x94);
  }
  binget(i: number) {
    return this.op(0x68, i);
  }
  stop() {
    return this.op(0x2e);
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * What `torch.save(model.state_dict())` pickles (protocol 2): an OrderedDict of tensors rebuilt by
 * torch._utils._rebuild_tensor_v2 from persistent storages.
 */
export function stateDictPickle(tensorNames: string[] = ['linear.weight', 'linear.bias']): Buffer {
  const w = new PickleWriter().proto(2).global('collections', 'OrderedDict').binput().emptyTuple().reduce().binput().mark();
  tensorNames.forEach((name, i) => {
    w.unicode(name).binput().global('torch._utils', '_rebuild_tensor_v2').binput();
    w.mark().mark().unicode('storage').global('torch', 'FloatStorage').binput().unicode(String(i)).unicode('cpu').binint1(4).tuple().binpersid();
    w.binint1(0).binint1(2).binint1(2).tuple2().binint1(2).binint1(1).tuple2().newfalse();
    w.global('collections', 'OrderedDict').binput().emptyTuple().reduce().tuple().reduce().binput();
  });
  return w.setitems().stop().bytes();
}

/** The classic exploit: `os.system(command)` through GLOBAL and REDUCE (protocol 2). */
export function osSystemPickle(command = 'echo owned'): Buffer {
  return new PickleWriter().proto(2).global('os', 'system').binput().unicode(command).tuple1().reduce().stop().bytes();
}

/** `builtins.eval(code)` through STACK_GLOBAL with memoized strings (protocol 4, framed). */
export function evalPickleProtocol4(code = 'print("owned")'): Buffer {
  const body = new PickleWriter().shortUnicode('builtins').memoize().shortUnicode('eval').memoize().stackGlobal().memoize();
  body.shortUnicode(code).memoize().tuple1().memoize().reduce().memoize().stop();
  const b = body.bytes();
  return Buffer.concat([new PickleWriter().proto(4).frame(b.length).bytes(), b]);
}

/** `subprocess.Popen` named through BINGET of earlier strings: the memo must be followed. */
export function popenViaMemoPickle(): Buffer {
  return new PickleWriter()
    .proto(4)
    .shortUnicode('subprocess')
    .memoize()
    .shortUnicode('unused')
    .memoize()
    .binget(0)
    .shortUnicode('Popen')
    .stackGlobal()
    .mark()
    .shortUnicode('id')
    .tuple()
    .tuple1()
    .reduce()
    .stop()
    .bytes();
}

/** An object of a class the allowlist does not know (e.g. a training script's own class). */
export function customClassPickle(): Buffer {
  return new PickleWriter().proto(2).global('__main__', 'TrainingArgs').binput().emptyTuple().reduce().emptyDict().build().stop().bytes();
}

/** A minimal zip writer (stored or deflated entries, a central directory, an end record). */
export function buildZip(entries: { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const body = e.deflate ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(e.deflate ? 8 : 0, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(e.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** A PyTorch (≥ 1.6) checkpoint: `archive/data.pkl` with the given pickle, tensor bytes, version. */
export function torchZip(dataPkl: Buffer, opts: { deflate?: boolean } = {}): Buffer {
  return buildZip([
    { name: 'archive/data.pkl', data: dataPkl, deflate: opts.deflate },
    { name: 'archive/byteorder', data: Buffer.from('little') },
    { name: 'archive/data/0', data: Buffer.alloc(16, 7) },
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/**
 * PyTorch's legacy (pre-1.6) format: five pickles (magic number, protocol version, system info,
 * the object, the storage keys) followed by raw tensor bytes.
 */
export function legacyTorchFile(objectPickle: Buffer = stateDictPickle()): Buffer {
  const magic = Buffer.from('80028a0a6cfc9c46f9206aa850192e', 'hex');
  const protocol = new PickleWriter().proto(2).binint(1001).stop().bytes();
  const sysInfo = new PickleWriter().proto(2).emptyDict().binput().stop().bytes();
  const keys = new PickleWriter().proto(2).mark().unicode('0').tuple().stop().bytes();
  // Raw storage data: an 8-byte element count then the elements (here bytes that are no pickle).
  const raw = Buffer.concat([Buffer.from([4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0x63, 0x6f, 0x73, 0x0a, 0xff, 0xfe, 0x00, 0x01]), Buffer.alloc(8, 0xff)]);
  return Buffer.concat([magic, protocol, sysInfo, objectPickle, keys, raw]);
}
