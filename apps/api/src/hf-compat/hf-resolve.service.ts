import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Principal } from '../common/auth/principal';
import { ModelAccessService } from '../models/model-access.service';
import { FileDownloadService } from '../repo-history/file-download.service';
import { sendFileResolution } from '../repo-history/file-response';
import type { RepoKind } from '../models/repo-kind';

/** `GET|HEAD /{ns}/{name}/resolve/{rev}/{path}`: the same download decision as the native route. */
@Injectable()
export class HfResolveService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly downloads: FileDownloadService,
  ) {}

  async resolve(
    principal: Principal | undefined,
    namespace: string,
    name: string,
    kind: RepoKind,
    revision: string,
    path: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    const model = await this.access.findReadableForFiles(principal, namespace, name, kind);
    const resolution = await this.downloads.resolve(principal, model, revision, path, {
      method: req.method === 'HEAD' ? 'HEAD' : 'GET',
      address: req.ip ?? null,
    });
    sendFileResolution(req, res, resolution);
  }
}
