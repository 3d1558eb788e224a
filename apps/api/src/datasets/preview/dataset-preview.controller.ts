import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public } from '../../common/auth/auth.decorators';
import type { Principal } from '../../common/auth/principal';
import { DatasetPreviewService } from './dataset-preview.service';
import { DatasetPreviewDto, DatasetPreviewQuery } from './dto/dataset-preview.dto';

@ApiTags('datasets')
@ApiBearerAuth()
@Controller('api/v1/datasets')
export class DatasetPreviewController {
  constructor(private readonly previews: DatasetPreviewService) {}

  @Public()
  @Get(':namespace/:name/preview')
  @ApiOperation({ summary: 'Columns, types and the first 100 rows of a CSV, TSV, JSON Lines or Parquet file (authorized like a download)' })
  @ApiOkResponse({ type: DatasetPreviewDto })
  preview(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Query() q: DatasetPreviewQuery,
  ): Promise<DatasetPreviewDto> {
    return this.previews.preview(p, ns, name, q.path, q.revision);
  }
}
