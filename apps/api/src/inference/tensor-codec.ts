import type { RawTensor } from './onnx-worker-pool';
import { HubException } from '../common/hub-exception';
import { outputBytes, typedFromBytes } from './binary-tensors';

/**
 * Open Inference Protocol datatypes and the onnxruntime element types they map to: every datatype
 * of the spec that onnxruntime-node can feed or fetch (BF16 has no onnxruntime-node tensor type).
 */
export const OIP_TO_ORT = {
  BOOL: 'bool',
  UINT8: 'uint8',
  UINT16: 'uint16',
  UINT32: 'uint32',
  UINT64: 'uint64',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FP16: 'float16',
  FP32: 'float32',
  FP64: 'float64',
  BYTES: 'string',
} as const;

export type OipDatatype = keyof typeof OIP_TO_ORT;
export const OIP_DATATYPES = Object.keys(OIP_TO_ORT) as OipDatatype[];

const ORT_TO_OIP = Object.fromEntries(Object.entries(OIP_TO_ORT).map(([oip, ort]) => [ort, oip])) as Record<string, OipDatatype>;

export const oipDatatypeOf = (ortType: string): OipDatatype | null => ORT_TO_OIP[ortType] ?? null;

/** A tensor of the signature: shapes use -1 for dynamic dimensions, as OIP metadata does. */
export interface TensorSpec {
  name: string;
  datatype: OipDatatype;
  shape: number[];
}

/** A tensor as OIP's JSON carries it. */
export interface OipTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
  data?: unknown;
  /** The tensor's bytes, when it came in the binary tensor extension (binary-tensors.ts). */
  binary?: Buffer;
}

const INTEGER_RANGES: Partial<Record<OipDatatype, [number, number]>> = {
  UINT8: [0, 0xff],
  UINT16: [0, 0xffff],
  UINT32: [0, 0xffffffff],
  INT8: [-0x80, 0x7f],
  INT16: [-0x8000, 0x7fff],
  INT32: [-0x80000000, 0x7fffffff],
};

const badTensor = (name: string, message: string) => HubException.badRequest('invalid_tensor', `Input tensor '${name}': ${message}`);

/** Flattens nested arrays (the spec allows row-major nesting); flat input, the usual case, is returned as it is. */
function flatten(data: unknown, name: string): ArrayLike<unknown> {
  // JsonParsePool hands all-number data over as a Float64Array, already flat.
  if (ArrayBuffer.isView(data)) return data as unknown as ArrayLike<unknown>;
  if (!Array.isArray(data)) throw badTensor(name, 'data must be an array');
  if (!data.some(Array.isArray)) return data;
  return (data as unknown[]).flat(Infinity);
}

/** IEEE 754 binary16 bits of a number (round to nearest even), for FP16 inputs. */
export function toHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0];
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    return sign | (half + (rest > halfway || (rest === halfway && half & 1) ? 1 : 0));
  }
  const half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && half & 1) ? 1 : 0));
}

/** The number a binary16 bit pattern stands for, for FP16 outputs. */
export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function typedData(datatype: OipDatatype, values: ArrayLike<unknown>, name: string): RawTensor['data'] {
  const n = values.length;
  switch (datatype) {
    case 'BOOL': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') throw badTensor(name, `BOOL data must be true or false (element ${i} is ${JSON.stringify(v)})`);
        out[i] = v ? 1 : 0;
      }
      return out;
    }
    case 'BYTES': {
      for (let i = 0; i < n; i++) if (typeof values[i] !== 'string') throw badTensor(name, `BYTES data must be strings (element ${i} is not)`);
      return values as string[];
    }
    case 'INT64':
    case 'UINT64': {
      const out = datatype === 'INT64' ? new BigInt64Array(n) : new BigUint64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || (datatype === 'UINT64' && v < 0))
          throw badTensor(name, `${datatype} data must be ${datatype === 'UINT64' ? 'non-negative ' : ''}integers (element ${i} is ${JSON.stringify(v)})`);
        out[i] = BigInt(v);
      }
      return out;
    }
    case 'FP16': {
      const out = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw badTensor(name, `FP16 data must be numbers (element ${i} is ${JSON.stringify(v)})`);
        out[i] = toHalfBits(v);
      }
      return out;
    }
    case 'FP32':
    case 'FP64': {
      const out = datatype === 'FP32' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw badTensor(name, `${datatype} data must be numbers (element ${i} is ${JSON.stringify(v)})`);
        out[i] = v;
      }
      return out;
    }
    default: {
      const [min, max] = INTEGER_RANGES[datatype]!;
      const Typed = { UINT8: Uint8Array, UINT16: Uint16Array, UINT32: Uint32Array, INT8: Int8Array, INT16: Int16Array, INT32: Int32Array }[datatype];
      const out = new Typed(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
          throw badTensor(name, `${datatype} data must be integers in [${min}, ${max}] (element ${i} is ${JSON.stringify(v)})`);
        out[i] = v;
      }
      return out;
    }
  }
}

/**
 * One input of an infer request as an onnxruntime tensor, checked against the model's signature:
 * the datatype, the rank and every fixed dimension, and that the data holds exactly as many
 * elements as the shape says. Each refusal is a 400 naming the tensor.
 */
export function decodeInput(input: OipTensor, spec: TensorSpec): RawTensor {
  const name = spec.name;
  if (input.datatype !== spec.datatype) throw badTensor(name, `datatype must be ${spec.datatype}, got ${JSON.stringify(input.datatype)}`);
  if (!Array.isArray(input.shape) || !input.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw badTensor(name, 'shape must be an array of non-negative integers');
  if (input.shape.length !== spec.shape.length)
    throw badTensor(name, `shape ${JSON.stringify(input.shape)} has rank ${input.shape.length}, the model expects ${JSON.stringify(spec.shape)}`);
  spec.shape.forEach((d, i) => {
    if (d !== -1 && input.shape[i] !== d)
      throw badTensor(name, `shape ${JSON.stringify(input.shape)} does not match ${JSON.stringify(spec.shape)} (dimension ${i})`);
  });
  const expected = input.shape.reduce((a, b) => a * b, 1);
  if (input.binary) return { type: OIP_TO_ORT[spec.datatype], data: typedFromBytes(name, spec.datatype, input.binary, expected), dims: input.shape };
  const values = flatten(input.data, name);
  if (values.length !== expected) throw badTensor(name, `shape ${JSON.stringify(input.shape)} needs ${expected} elements, data has ${values.length}`);
  return { type: OIP_TO_ORT[spec.datatype], data: typedData(spec.datatype, values, name), dims: input.shape };
}

/**
 * An onnxruntime output as OIP JSON: flat row-major data (64-bit integers as numbers, FP16 as
 * numbers); or, `binary`, its bytes for the binary tensor extension.
 */
export function encodeOutput(name: string, tensor: RawTensor, binary = false): OipTensor {
  const datatype = oipDatatypeOf(tensor.type);
  if (!datatype) throw new Error(`Output '${name}' has element type ${tensor.type}, which the Open Inference Protocol cannot carry`);
  const raw = tensor.data;
  const shape = tensor.dims.map(Number);
  if (binary) {
    const bytes = outputBytes(datatype, raw);
    return { name, datatype, shape, parameters: { binary_data_size: bytes.length }, binary: bytes };
  }
  let data: unknown[];
  if (datatype === 'BOOL') data = Array.from(raw as Uint8Array, (v) => v !== 0);
  else if (datatype === 'FP16') data = Array.from(raw as Uint16Array, fromHalfBits);
  else if (datatype === 'INT64' || datatype === 'UINT64') data = Array.from(raw as BigInt64Array, Number);
  else if (datatype === 'BYTES') data = raw as string[];
  else data = Array.from(raw as Float32Array);
  return { name, datatype, shape, data };
}
