import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { LineageController } from './lineage.controller';
import { LineageService } from './lineage.service';

/** The lineage graph between datasets and models (docs/lineage.md). */
@Module({ imports: [ModelsModule], controllers: [LineageController], providers: [LineageService], exports: [LineageService] })
export class LineageModule {}
