import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Response } from 'express';
import type { HubRequest } from '../common/request-context';
import { type HotMatch, type HotRoute, HotRoutes } from '../hot-routes/hot-routes';
import { InferenceService } from './inference.service';

/**
 * `POST /v2/models/{model}[/versions/{v}]/infer` on the hot routes: the call a licensee repeats,
 * served by the same InferenceService.serve as OipController (which answers what the hot routes
 * leave to Nest: a browser session's cookie, a query string).
 */
@Injectable()
export class OipInferHotRoute implements HotRoute, OnModuleInit {
  readonly paths = ['/v2/models/:model/infer', '/v2/models/:model/versions/:version/infer'];
  readonly readsBody = true;

  constructor(
    private readonly hotRoutes: HotRoutes,
    private readonly inference: InferenceService,
  ) {}

  onModuleInit(): void {
    this.hotRoutes.register(this);
  }

  handle(req: HubRequest, res: Response, { params }: HotMatch): Promise<void> {
    const { model, version } = params as { model: string; version?: string };
    return this.inference.serve(req.user, model, version, req, res);
  }
}
