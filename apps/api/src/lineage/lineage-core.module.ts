import { Global, Module } from '@nestjs/common';
import { LineageInfoService } from './lineage-info.service';
import { LineageWriter } from './lineage-writer.service';
import { LineageRepository } from './lineage.repository';

/**
 * The graph's storage and its commit-time writer: global and depending on the core alone, so the
 * commit hooks (discovery) and the model info presenters can use them without an import circle.
 */
@Global()
@Module({ providers: [LineageRepository, LineageWriter, LineageInfoService], exports: [LineageRepository, LineageWriter, LineageInfoService] })
export class LineageCoreModule {}
