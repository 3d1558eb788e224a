import type { Response } from 'express';
import type { WithHeaders } from './hf-models.service';

/** Sets the answer's headers (e.g. pagination `Link`) and returns its body, for one-line routes. */
export async function send<T>(res: Response, answer: Promise<WithHeaders<T>>): Promise<T> {
  const { body, headers } = await answer;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  return body;
}
