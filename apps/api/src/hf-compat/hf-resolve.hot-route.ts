import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import type { HubRequest } from '../common/request-context';
import { joinWildcard } from '../common/wildcard-path.decorator';
import { type HotMatch, type HotRoute, HotRoutes } from '../hot-routes/hot-routes';
import { repoKindOfRoute } from '../models/repo-kind';
import { HfResolveService } from './hf-resolve.service';

/**
 * `GET|HEAD /{ns}/{name}/resolve/{rev}/{path}` (and under `/datasets`) on the hot routes: what
 * every hf_hub_download and from_pretrained repeats per file, answered by the same service as
 * HfResolveController, whose routes these are (the controller still answers what the hot routes
 * leave to Nest).
 */
@Injectable()
export class HfResolveHotRoute implements HotRoute, OnModuleInit {
  readonly paths = ['/datasets/:ns/:name/resolve/:rev/*path', '/:ns/:name/resolve/:rev/*path'];

  constructor(
    private readonly hotRoutes: HotRoutes,
    private readonly hf: HfResolveService,
  ) {}

  onModuleInit(): void {
    this.hotRoutes.register(this);
  }

  handle(req: HubRequest, res: Response, { path, params }: HotMatch): Promise<void> {
    const { ns, name, rev } = params as Record<string, string>;
    return this.hf.resolve(req.user, ns, name, repoKindOfRoute(path), rev, joinWildcard(params.path) ?? '', req, res);
  }
}
