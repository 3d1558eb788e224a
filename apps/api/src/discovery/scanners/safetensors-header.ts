/**
 * The safetensors format: an unsigned little-endian 64-bit header length N, N bytes of JSON
 * (`{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}`), then the
 * tensor bytes. Only the header is ever read: 8 bytes, then N bytes (two ranged reads).
 */

/** Bytes per element of each dtype (null: sub-byte types, whose sizes are not checked). */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number | null>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
  F4: null,
  F6_E2M3: null,
  F6_E3M2: null,
};

/** Headers above this are refused (Hugging Face's own limit is 100 MB too). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsSummary {
  tensorCount: number;
  /** Distinct dtypes, sorted. */
  dtypes: string[];
  /** Elements per dtype (Hugging Face's `safetensors.parameters`). */
  parameters: Record<string, number>;
  total: number;
  headerBytes: number;
  metadata: Record<string, string> | null;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The header length from the first 8 bytes; throws when the file cannot be safetensors. */
export function safetensorsHeaderLength(first8: Buffer, fileSize: number): number {
  if (first8.length < 8 || fileSize < 8) throw new SafetensorsError('file is shorter than the 8-byte header length');
  const n = first8.readBigUInt64LE(0);
  if (n < 2n) throw new SafetensorsError(`header length ${n} is too small`);
  if (n > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) throw new SafetensorsError(`header length ${n} exceeds ${MAX_SAFETENSORS_HEADER_BYTES} bytes`);
  if (8n + n > BigInt(fileSize)) throw new SafetensorsError(`header length ${n} runs past the end of the ${fileSize}-byte file`);
  return Number(n);
}

/**
 * Reads and checks the JSON header: every tensor has a known dtype, a shape of non-negative
 * integers and data offsets inside the data section whose length matches shape × dtype size.
 */
export function parseSafetensorsHeader(header: Buffer, fileSize: number): SafetensorsSummary {
  let json: unknown;
  try {
    json = JSON.parse(header.toString('utf8'));
  } catch (err) {
    throw new SafetensorsError(`header is not JSON: ${(err as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new SafetensorsError('header is not a JSON object');
  const dataBytes = BigInt(fileSize - 8 - header.length);
  const parameters: Record<string, bigint> = {};
  let tensorCount = 0;
  let metadata: Record<string, string> | null = null;
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value !== null && (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string'))) {
        throw new SafetensorsError('__metadata__ must map strings to strings');
      }
      metadata = value as Record<string, string> | null;
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!t || typeof t !== 'object') throw new SafetensorsError(`tensor '${name}' is not an object`);
    if (typeof t.dtype !== 'string' || !(t.dtype in SAFETENSORS_DTYPE_BYTES))
      throw new SafetensorsError(`tensor '${name}' has an unknown dtype ${JSON.stringify(t.dtype)}`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      throw new SafetensorsError(`tensor '${name}' has an invalid shape`);
    const offsets = t.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      throw new SafetensorsError(`tensor '${name}' has invalid data_offsets`);
    }
    const elements = (t.shape as number[]).reduce((n, d) => n * BigInt(d), 1n);
    const width = SAFETENSORS_DTYPE_BYTES[t.dtype];
    const [begin, end] = (offsets as number[]).map(BigInt);
    if (end > dataBytes) throw new SafetensorsError(`tensor '${name}' ends at byte ${end} of a ${dataBytes}-byte data section`);
    if (width !== null && end - begin !== elements * BigInt(width)) {
      throw new SafetensorsError(`tensor '${name}' has ${end - begin} bytes for ${elements} ${t.dtype} elements`);
    }
    parameters[t.dtype] = (parameters[t.dtype] ?? 0n) + elements;
    tensorCount++;
  }
  const total = Object.values(parameters).reduce((a, b) => a + b, 0n);
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) throw new SafetensorsError(`${total} parameters is beyond what the hub counts`);
  return {
    tensorCount,
    dtypes: Object.keys(parameters).sort(),
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, Number(v)])),
    total: Number(total),
    headerBytes: header.length,
    metadata,
  };
}
