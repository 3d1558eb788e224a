import type { ColumnType } from './preview-model';

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|infinity|nan)$/i;
const BOOLEAN = /^(true|false)$/i;

/** A text cell (CSV/TSV) as its type and value: empty is null, numbers and booleans become JSON ones. */
export function parseCell(text: string): { type: ColumnType; value: unknown } {
  const t = text.trim();
  if (t === '') return { type: 'null', value: null };
  if (INTEGER.test(t)) {
    const n = Number(t);
    // Integers beyond 2^53 (ids, hashes) would change as JSON numbers: they stay text.
    if (Number.isSafeInteger(n)) return { type: 'integer', value: n };
    return { type: 'string', value: text };
  }
  if (FLOAT.test(t)) {
    const n = Number(t);
    // NaN and the infinities have no JSON number: shown as written, still a float column.
    return { type: 'float', value: Number.isFinite(n) ? n : t };
  }
  if (BOOLEAN.test(t)) return { type: 'boolean', value: t.toLowerCase() === 'true' };
  return { type: 'string', value: text };
}

/** The type of a JSON value (JSON Lines). */
export function jsonType(value: unknown): ColumnType {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'list';
  return 'struct';
}

/** The type of a column holding values of both types: nulls fit anything, integers widen to floats, the rest is mixed. */
export function mergeTypes(a: ColumnType, b: ColumnType): ColumnType {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  if ((a === 'integer' && b === 'float') || (a === 'float' && b === 'integer')) return 'float';
  const text = (t: ColumnType) => t === 'string' || t === 'integer' || t === 'float' || t === 'boolean';
  // Mixed scalars read as text; anything mixed with a list or struct is JSON of varying shape.
  return text(a) && text(b) ? 'string' : 'json';
}

/**
 * A value as JSON can carry it: 64-bit integers as numbers when exact, else as decimal strings;
 * dates as ISO 8601; bytes as base64; nested lists and structs converted all the way down.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value ?? null;
}
