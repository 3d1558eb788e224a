import { HubException } from '../common/hub-exception';
import type { RawTensor } from './onnx-worker-pool';
import type { OipDatatype, OipTensor } from './tensor-codec';

/**
 * The Open Inference Protocol's binary tensor data extension (as KServe and Triton define it): the
 * body is a JSON header of `Inference-Header-Content-Length` bytes, followed by the data of every
 * tensor whose `parameters.binary_data_size` says so, in order, little-endian, row-major; BOOL one
 * byte each, BYTES each a 4-byte length then its bytes. It spares the hub (and the caller) the
 * JSON of large tensors: the bytes become the typed array with one copy.
 */
export const INFER_HEADER_LENGTH = 'inference-header-content-length';

const ELEMENT_BYTES: Record<Exclude<OipDatatype, 'BYTES'>, number> = {
  BOOL: 1,
  UINT8: 1,
  INT8: 1,
  UINT16: 2,
  INT16: 2,
  FP16: 2,
  UINT32: 4,
  INT32: 4,
  FP32: 4,
  UINT64: 8,
  INT64: 8,
  FP64: 8,
};

const TYPED = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  INT8: Int8Array,
  UINT16: Uint16Array,
  INT16: Int16Array,
  FP16: Uint16Array,
  UINT32: Uint32Array,
  INT32: Int32Array,
  FP32: Float32Array,
  UINT64: BigUint64Array,
  INT64: BigInt64Array,
  FP64: Float64Array,
} as const;

const badTensor = (name: string, message: string) => HubException.badRequest('invalid_tensor', `Input tensor '${name}': ${message}`);

/** The JSON header's length from the header's value; 400 when it is not a length within the body. */
export function headerLength(value: string | string[] | undefined, bodyLength: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(Array.isArray(value) ? value[0] : value);
  if (!Number.isSafeInteger(n) || n < 0 || n > bodyLength)
    throw HubException.badRequest(
      'invalid_request',
      `Inference-Header-Content-Length must be the length of the JSON header, at most the body's ${bodyLength} bytes`,
    );
  return n;
}

/** The `binary_data_size` of a tensor, when its data is in the binary part. */
export function binarySize(t: { name: string; parameters?: Record<string, unknown> }): number | undefined {
  const size = t.parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw badTensor(t.name, 'parameters.binary_data_size must be a non-negative integer');
  return size;
}

/** An input's typed data from its bytes, checked against the element count of its shape. */
export function typedFromBytes(name: string, datatype: OipDatatype, bytes: Buffer, elements: number): RawTensor['data'] {
  if (datatype === 'BYTES') return stringsFromBytes(name, bytes, elements);
  const size = ELEMENT_BYTES[datatype];
  if (bytes.length !== elements * size)
    throw badTensor(name, `binary_data_size is ${bytes.length} bytes, the shape needs ${elements} ${datatype} elements of ${size} bytes (${elements * size})`);
  // A copy of its own: the body's bytes sit at any offset, typed arrays need their alignment.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const data = new TYPED[datatype](copy.buffer);
  if (datatype === 'BOOL') {
    const bad = copy.findIndex((b) => b > 1);
    if (bad >= 0) throw badTensor(name, `BOOL data must be bytes 0 or 1 (element ${bad} is ${copy[bad]})`);
  }
  return data;
}

function stringsFromBytes(name: string, bytes: Buffer, elements: number): string[] {
  const out: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw badTensor(name, `BYTES element ${out.length} is cut short`);
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) throw badTensor(name, `BYTES element ${out.length} is cut short`);
    out.push(bytes.toString('utf8', at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (out.length !== elements) throw badTensor(name, `the shape needs ${elements} elements, the binary data has ${out.length}`);
  return out;
}

/** An output's bytes as the extension sends them. */
export function outputBytes(datatype: OipDatatype, data: RawTensor['data']): Buffer {
  if (datatype === 'BYTES') {
    const parts = (data as string[]).flatMap((s) => {
      const text = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(text.length);
      return [length, text];
    });
    return Buffer.concat(parts);
  }
  const typed = data as Uint8Array;
  return Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
}

/** Whether the caller asked for this output in binary: per output (`binary_data`) or for all (`binary_data_output`). */
export function wantsBinary(
  request: { parameters?: Record<string, unknown>; outputs?: { name: string; parameters?: Record<string, unknown> }[] },
  name: string,
): boolean {
  const own = request.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
  if (typeof own === 'boolean') return own;
  return request.parameters?.binary_data_output === true;
}

/** The answer with binary outputs: the JSON header (tensors with `binary_data_size`, no `data`), then their bytes. */
export function binaryAnswer(header: Record<string, unknown> & { outputs: OipTensor[] }, bytes: Map<string, Buffer>): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  const tail = header.outputs.filter((o) => bytes.has(o.name)).map((o) => bytes.get(o.name)!);
  return { body: Buffer.concat([json, ...tail]), headerLength: json.length };
}
