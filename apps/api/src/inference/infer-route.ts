import type { Request } from 'express';

/** `POST /v2/models/{model}[/versions/{v}]/infer`: the body is left unparsed for the infer route to read under its limit. */
export const isInferRequest = (req: Request) => req.method === 'POST' && /^\/v2\/models\/[^/?]+(\/versions\/[^/?]+)?\/infer(\?|$)/.test(req.url);
