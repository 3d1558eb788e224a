import type { NextFunction, Request, Response } from 'express';
import { inputError, jsonProblem, textProblem } from './input-rules';

/**
 * Refuses, before any route sees them, the inputs that nothing downstream can hold: a NUL
 * character or a lone surrogate in the path, a query value or a JSON (or form) body, and JSON
 * nested past MAX_JSON_DEPTH. Runs after the body parsers; NDJSON commits are checked line by line
 * by their parser, which applies the same rules.
 */
export function inputGuardMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const problem = pathProblem(req.path) ?? jsonProblem(req.query, 'query') ?? (typeof req.body === 'object' ? jsonProblem(req.body, 'body') : null);
  next(problem ? inputError(problem) : undefined);
}

function pathProblem(path: string): ReturnType<typeof textProblem> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null; // a bad percent-encoding: the router answers it (400, "Failed to decode param")
  }
  return textProblem(decoded, 'the request path');
}
