import { HubException } from '../common/hub-exception';
import { binarySize } from './binary-tensors';
import type { JsonParsePool } from './json-parse-pool';
import type { OipTensor } from './tensor-codec';

/** The body of `POST /v2/models/{model}/infer` (Open Inference Protocol, REST). */
export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: OipTensor[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and checks the request's structure (the tensors' contents are checked against the
 * signature later). With `headerLength` (the binary tensor extension's Inference-Header-Content-Length)
 * only that much is JSON, and the inputs with `binary_data_size` take their bytes from the rest, in order.
 */
export function parseInferRequest(body: Buffer, headerLength?: number): InferRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8', 0, headerLength ?? body.length));
  } catch (e) {
    throw malformed(e);
  }
  return checkInferRequest(value, body, headerLength);
}

/**
 * `parseInferRequest` for a large JSON body: parsed in a worker thread (JsonParsePool), checked
 * here. The body may have moved to that thread: nothing reads it after (JSON has no binary part).
 */
export async function parseLargeInferRequest(body: Buffer, pool: JsonParsePool): Promise<InferRequest> {
  const value = await pool.parse(body).catch((e: unknown) => Promise.reject(malformed(e)));
  return checkInferRequest(value, Buffer.alloc(0), undefined);
}

const malformed = (e: unknown) => HubException.badRequest('malformed_json', `Malformed JSON in request body: ${(e as Error).message}`);

function checkInferRequest(value: unknown, body: Buffer, headerLength: number | undefined): InferRequest {
  if (!isObject(value)) throw HubException.badRequest('invalid_request', 'The infer request must be a JSON object with `inputs`');
  if (value.id !== undefined && typeof value.id !== 'string') throw HubException.badRequest('invalid_request', '`id` must be a string');
  if (value.parameters !== undefined && !isObject(value.parameters)) throw HubException.badRequest('invalid_request', '`parameters` must be an object');
  if (!Array.isArray(value.inputs) || !value.inputs.length) throw HubException.badRequest('invalid_request', '`inputs` must be a non-empty array of tensors');
  value.inputs.forEach((t: unknown, i: number) => {
    if (!isObject(t) || typeof t.name !== 'string')
      throw HubException.badRequest('invalid_tensor', `inputs[${i}] must be a tensor {name, shape, datatype, data}`);
    if (typeof t.datatype !== 'string') throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': datatype must be a string`);
    if (!Array.isArray(t.shape)) throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': shape must be an array`);
    if (t.parameters !== undefined && !isObject(t.parameters))
      throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': parameters must be an object`);
    if (t.data === undefined && binarySize({ name: t.name, parameters: t.parameters }) === undefined)
      throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': data is missing`);
  });
  attachBinary(value.inputs as OipTensor[], body, headerLength);
  if (value.outputs !== undefined && (!Array.isArray(value.outputs) || !value.outputs.every((o) => isObject(o) && typeof o.name === 'string')))
    throw HubException.badRequest('invalid_request', '`outputs` must be an array of {name}');
  return value as unknown as InferRequest;
}

/** Hands each input with `binary_data_size` its slice of the binary part, which they must use up exactly. */
function attachBinary(inputs: OipTensor[], body: Buffer, headerLength: number | undefined): void {
  let at = headerLength ?? body.length;
  for (const t of inputs) {
    const size = binarySize(t);
    if (size === undefined) continue;
    if (headerLength === undefined)
      throw HubException.badRequest('invalid_request', `Input tensor '${t.name}' has binary_data_size, but the request has no Inference-Header-Content-Length`);
    if (at + size > body.length)
      throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': binary_data_size ${size} runs past the end of the body`);
    t.binary = body.subarray(at, at + size);
    at += size;
  }
  if (at !== body.length)
    throw HubException.badRequest(
      'invalid_request',
      `The body has ${body.length - at} bytes after the JSON header that no input's binary_data_size accounts for`,
    );
}
