import { HubException } from '../common/hub-exception';
import type { OipTensor } from './tensor-codec';

/** The body of `POST /v2/models/{model}/infer` (Open Inference Protocol, REST). */
export interface InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: OipTensor[];
  outputs?: { name: string; parameters?: Record<string, unknown> }[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks the request's structure (the tensors' contents are checked against the signature later). */
export function parseInferRequest(body: Buffer): InferRequest {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw HubException.badRequest('malformed_json', `Malformed JSON in request body: ${(e as Error).message}`);
  }
  if (!isObject(value)) throw HubException.badRequest('invalid_request', 'The infer request must be a JSON object with `inputs`');
  if (value.id !== undefined && typeof value.id !== 'string') throw HubException.badRequest('invalid_request', '`id` must be a string');
  if (value.parameters !== undefined && !isObject(value.parameters)) throw HubException.badRequest('invalid_request', '`parameters` must be an object');
  if (!Array.isArray(value.inputs) || !value.inputs.length) throw HubException.badRequest('invalid_request', '`inputs` must be a non-empty array of tensors');
  value.inputs.forEach((t: unknown, i: number) => {
    if (!isObject(t) || typeof t.name !== 'string')
      throw HubException.badRequest('invalid_tensor', `inputs[${i}] must be a tensor {name, shape, datatype, data}`);
    if (typeof t.datatype !== 'string') throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': datatype must be a string`);
    if (!Array.isArray(t.shape)) throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': shape must be an array`);
    if (t.data === undefined) throw HubException.badRequest('invalid_tensor', `Input tensor '${t.name}': data is missing`);
  });
  if (value.outputs !== undefined && (!Array.isArray(value.outputs) || !value.outputs.every((o) => isObject(o) && typeof o.name === 'string')))
    throw HubException.badRequest('invalid_request', '`outputs` must be an array of {name}');
  return value as unknown as InferRequest;
}
