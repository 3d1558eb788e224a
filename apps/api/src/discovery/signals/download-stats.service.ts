import { Injectable } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { ModelAccessService } from '../../models/model-access.service';
import { roundScore } from '../search/search-item.presenter';
import { utcDay } from './download-counting-rules';
import { DownloadStatsRepository } from './download-stats.repository';
import type { RepoKind } from '../../models/repo-kind';

export interface DownloadStats {
  /** Counted downloads of all time. */
  downloads: number;
  trendingScore: number;
  /** One entry per UTC day, oldest first, zeros included. */
  days: { day: string; downloads: number }[];
}

@Injectable()
export class DownloadStatsService {
  constructor(
    private readonly access: ModelAccessService,
    private readonly stats: DownloadStatsRepository,
  ) {}

  async forModel(principal: Principal | undefined, namespace: string, name: string, kind: RepoKind, days: number): Promise<DownloadStats> {
    const model = await this.access.findReadable(principal, namespace, name, kind);
    const today = Date.parse(utcDay(new Date()));
    const since = utcDay(new Date(today - (days - 1) * 86_400_000));
    const counts = await this.stats.perDay(model.id, since);
    const series = Array.from({ length: days }, (_, i) => {
      const day = utcDay(new Date(today - (days - 1 - i) * 86_400_000));
      return { day, downloads: counts.get(day) ?? 0 };
    });
    return { downloads: model.downloads, trendingScore: roundScore(model.trendingScore), days: series };
  }
}
