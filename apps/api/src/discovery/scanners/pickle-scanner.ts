import { ByteReader, EndOfData } from './byte-source';
import { classifyImport, PickleImport } from './pickle-import-policy';
import { OP } from './pickle-opcodes';

/**
 * A pickle scanner that never unpickles: it walks the opcodes (protocols 0 to 5), keeps a symbolic
 * stack just precise enough to know the arguments of STACK_GLOBAL (strings, also through the memo),
 * and lists every global the pickle would import (GLOBAL, INST, STACK_GLOBAL, EXT*). Importing a
 * global is how a pickle runs code (`os.system` then REDUCE calls it), so the imports decide:
 * pickle-import-policy.ts classifies each import; a file is as bad as its worst import.
 */

export class PickleError extends Error {
  override name = 'PickleError';
}

/** A stack value as far as the scanner cares: a (short) string, a mark, or anything else. */
type Sym = { str: string } | typeof MARK | null;
const MARK = Symbol('mark');

/** Strings longer than this are skipped, not read (they cannot be module or global names worth reading). */
const MAX_NAME = 4096;
/** Longest newline-terminated argument (protocol 0). */
const MAX_LINE = 64 * 1024;

export interface PickleStreamScan {
  imports: PickleImport[];
  /** Complete pickles read. */
  pickles: number;
  /** The data did not start with a pickle at all (no code can run from it). */
  notPickle: boolean;
  /** Data after the last complete pickle that is not a pickle (tensor bytes of legacy PyTorch files). */
  trailingData: boolean;
  /** A pickle that breaks off or is malformed before its STOP. */
  error?: string;
}

/** The first pickle of PyTorch's legacy (non-zip) format: the magic number 0x1950a86a20f9469cfc6c. */
const TORCH_LEGACY_MAGIC = Buffer.from('80028a0a6cfc9c46f9206aa85019', 'hex');
/** torch.load's legacy format holds exactly five pickles, then raw tensor data. */
const TORCH_LEGACY_PICKLES = 5;

/**
 * Scans consecutive pickles until the data ends. The first pickle failing at its very first byte
 * means the data is not a pickle; a later pickle failing means trailing non-pickle data, and the
 * imports of that broken-off pickle are not counted (no loader would get that far).
 */
export async function scanPickleStream(reader: ByteReader, opts: { maxPickles?: number } = {}): Promise<PickleStreamScan> {
  const imports = new Map<string, PickleImport>();
  const result: PickleStreamScan = { imports: [], pickles: 0, notPickle: false, trailingData: false };
  let maxPickles = opts.maxPickles ?? 1000;
  try {
    while (result.pickles < maxPickles && !(await reader.atEnd())) {
      const start = reader.position;
      const found: PickleImport[] = [];
      let prefix: Buffer | undefined;
      if (result.pickles === 0) prefix = Buffer.from(await reader.peekBytes(TORCH_LEGACY_MAGIC.length));
      try {
        await scanOnePickle(reader, found);
      } catch (err) {
        if (!(err instanceof PickleError || err instanceof EndOfData)) throw err;
        if (result.pickles === 0 && reader.position - start <= 1 && err instanceof PickleError) {
          result.notPickle = true;
        } else if (result.pickles > 0) {
          result.trailingData = true;
        } else {
          // A first pickle that breaks off: what it imported before the break would still run.
          found.forEach((i) => imports.set(`${i.module}\0${i.name}`, i));
          result.error = err.message;
        }
        break;
      }
      found.forEach((i) => imports.set(`${i.module}\0${i.name}`, i));
      result.pickles++;
      if (result.pickles === 1 && prefix?.equals(TORCH_LEGACY_MAGIC)) maxPickles = TORCH_LEGACY_PICKLES;
    }
    if (result.pickles >= maxPickles && !(await reader.atEnd())) result.trailingData = true;
  } finally {
    await reader.close();
  }
  result.imports = [...imports.values()];
  return result;
}

async function scanOnePickle(r: ByteReader, found: PickleImport[]): Promise<void> {
  const stack: Sym[] = [];
  const memo = new Map<number, Sym>();
  const push = (v: Sym) => stack.push(v);
  const pop = (): Sym => {
    if (!stack.length) throw new PickleError(`stack underflow at byte ${r.position}`);
    return stack.pop()!;
  };
  const popMark = () => {
    for (;;) if (pop() === MARK) return;
  };
  const top = (): Sym => {
    if (!stack.length) throw new PickleError(`empty stack at byte ${r.position}`);
    return stack[stack.length - 1];
  };
  const record = (module: string, name: string) => found.push({ module, name, safety: classifyImport(module, name) });
  const text = (b: Buffer) => b.toString('utf8');
  const u32 = async () => (await r.read(4)).readUInt32LE(0);
  const u64 = async () => {
    const v = (await r.read(8)).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PickleError(`length ${v} is out of range`);
    return Number(v);
  };
  const str = async (length: number): Promise<Sym> => {
    if (length <= MAX_NAME) return { str: text(await r.read(length)) };
    await r.skip(length);
    return null;
  };
  const stringLiteral = (line: Buffer): string => {
    const s = text(line).trim();
    const q = s[0];
    if ((q === "'" || q === '"') && s.endsWith(q) && s.length >= 2) return s.slice(1, -1);
    throw new PickleError(`malformed STRING argument at byte ${r.position}`);
  };

  for (;;) {
    const at = r.position;
    const op = await r.byte();
    switch (op) {
      case OP.STOP:
        return;
      case OP.PROTO: {
        const v = await r.byte();
        if (v > 5) throw new PickleError(`unsupported pickle protocol ${v}`);
        break;
      }
      case OP.FRAME:
        await r.skip(8);
        break;
      case OP.MARK:
        push(MARK);
        break;
      case OP.POP:
        pop();
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        push(top());
        break;
      case OP.FLOAT:
      case OP.INT:
      case OP.LONG:
        await r.line(MAX_LINE);
        push(null);
        break;
      case OP.BININT:
        await r.skip(4);
        push(null);
        break;
      case OP.BININT1:
        await r.skip(1);
        push(null);
        break;
      case OP.BININT2:
        await r.skip(2);
        push(null);
        break;
      case OP.BINFLOAT:
        await r.skip(8);
        push(null);
        break;
      case OP.LONG1:
        await r.skip(await r.byte());
        push(null);
        break;
      case OP.LONG4: {
        const n = (await r.read(4)).readInt32LE(0);
        if (n < 0) throw new PickleError(`negative LONG4 length at byte ${at}`);
        await r.skip(n);
        push(null);
        break;
      }
      case OP.NONE:
      case OP.NEWTRUE:
      case OP.NEWFALSE:
      case OP.EMPTY_DICT:
      case OP.EMPTY_LIST:
      case OP.EMPTY_TUPLE:
      case OP.EMPTY_SET:
      case OP.NEXT_BUFFER:
        push(null);
        break;
      case OP.PERSID:
        await r.line(MAX_LINE);
        push(null);
        break;
      case OP.BINPERSID:
        pop();
        push(null);
        break;
      case OP.STRING:
        push({ str: stringLiteral(await r.line(MAX_LINE)) });
        break;
      case OP.UNICODE:
        push({ str: text(await r.line(MAX_LINE)) });
        break;
      case OP.BINSTRING: {
        const n = (await r.read(4)).readInt32LE(0);
        if (n < 0) throw new PickleError(`negative BINSTRING length at byte ${at}`);
        push(await str(n));
        break;
      }
      case OP.SHORT_BINSTRING:
      case OP.SHORT_BINUNICODE:
        push(await str(await r.byte()));
        break;
      case OP.BINUNICODE:
        push(await str(await u32()));
        break;
      case OP.BINUNICODE8:
        push(await str(await u64()));
        break;
      case OP.SHORT_BINBYTES:
        await r.skip(await r.byte());
        push(null);
        break;
      case OP.BINBYTES:
        await r.skip(await u32());
        push(null);
        break;
      case OP.BINBYTES8:
      case OP.BYTEARRAY8:
        await r.skip(await u64());
        push(null);
        break;
      case OP.READONLY_BUFFER:
        pop();
        push(null);
        break;
      case OP.GLOBAL: {
        const module = text(await r.line(MAX_LINE));
        const name = text(await r.line(MAX_LINE));
        record(module, name);
        push(null);
        break;
      }
      case OP.INST: {
        const module = text(await r.line(MAX_LINE));
        const name = text(await r.line(MAX_LINE));
        record(module, name);
        popMark();
        push(null);
        break;
      }
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (module && module !== MARK && name && name !== MARK) record(module.str, name.str);
        // Arguments computed at load time cannot be judged: an honest pickle never does that.
        else found.push({ module: '?', name: '?', safety: 'dangerous' });
        push(null);
        break;
      }
      case OP.EXT1:
      case OP.EXT2:
      case OP.EXT4: {
        const code = op === OP.EXT1 ? await r.byte() : op === OP.EXT2 ? (await r.read(2)).readUInt16LE(0) : await u32();
        found.push({ module: 'copyreg._extension_registry', name: String(code), safety: 'suspicious' });
        push(null);
        break;
      }
      case OP.REDUCE:
      case OP.NEWOBJ:
        pop();
        pop();
        push(null);
        break;
      case OP.NEWOBJ_EX:
        pop();
        pop();
        pop();
        push(null);
        break;
      case OP.BUILD:
      case OP.APPEND:
        pop();
        break;
      case OP.SETITEM:
        pop();
        pop();
        break;
      case OP.APPENDS:
      case OP.SETITEMS:
      case OP.ADDITEMS:
        popMark();
        break;
      case OP.DICT:
      case OP.LIST:
      case OP.TUPLE:
      case OP.FROZENSET:
      case OP.OBJ:
        popMark();
        push(null);
        break;
      case OP.TUPLE1:
        pop();
        push(null);
        break;
      case OP.TUPLE2:
        pop();
        pop();
        push(null);
        break;
      case OP.TUPLE3:
        pop();
        pop();
        pop();
        push(null);
        break;
      case OP.GET:
        push(memo.get(Number(text(await r.line(MAX_LINE)))) ?? null);
        break;
      case OP.BINGET:
        push(memo.get(await r.byte()) ?? null);
        break;
      case OP.LONG_BINGET:
        push(memo.get(await u32()) ?? null);
        break;
      case OP.PUT:
        memo.set(Number(text(await r.line(MAX_LINE))), top());
        break;
      case OP.BINPUT:
        memo.set(await r.byte(), top());
        break;
      case OP.LONG_BINPUT:
        memo.set(await u32(), top());
        break;
      case OP.MEMOIZE:
        memo.set(memo.size, top());
        break;
      default:
        throw new PickleError(`invalid opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }
}
