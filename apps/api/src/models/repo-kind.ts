import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { REPO_KINDS, type RepoKind } from '@model-hub/contracts';

export { REPO_KINDS, type RepoKind };

/**
 * The kind a route serves, from its prefix: `/api/v1/datasets/...`, `/api/datasets/...` and
 * `/datasets/...` are datasets, everything else models. The one place that knows the prefixes;
 * controllers registered on both prefixes read it with `@RepoKindParam()`.
 */
export function repoKindOfRoute(path: string): RepoKind {
  return /^\/(?:api\/(?:v1\/)?)?datasets(?:\/|$)/.test(path) ? 'dataset' : 'model';
}

/** The matched route pattern (not the URL, whose first segment could be anything a parameter takes). */
export const RepoKindParam = createParamDecorator((_: unknown, ctx: ExecutionContext): RepoKind => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return repoKindOfRoute(((req.route as { path?: string } | undefined)?.path ?? req.path) || '/');
});

/** The URL segment of a kind's pages and Hugging Face routes (`/api/{segment}`, `/{segment}/ns/name/resolve`). */
export const KIND_SEGMENT: Record<RepoKind, string> = { model: 'models', dataset: 'datasets' };
/** A repository's web path: models at `/ns/name`, datasets at `/datasets/ns/name` (as on Hugging Face). */
export const repoWebPath = (kind: RepoKind, fullName: string) => (kind === 'dataset' ? `/datasets/${fullName}` : `/${fullName}`);
