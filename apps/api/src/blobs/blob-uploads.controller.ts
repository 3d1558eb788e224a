import { Body, Controller, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/auth.decorators';
import { uuidParam } from '../common/uuid-param.pipe';
import { MultipartCompleteDto } from './dto/multipart-complete.dto';
import { LFS_MEDIA_TYPE } from './lfs.controller';
import { MultipartCompletionService } from './multipart-completion.service';

@ApiTags('git-lfs')
@Controller('api/blobs/uploads')
export class BlobUploadsController {
  constructor(private readonly completion: MultipartCompletionService) {}

  // The signed URL is the credential: Hugging Face clients POST here without one.
  @Public()
  @Post(':uploadId/complete')
  @HttpCode(200)
  @Header('Content-Type', LFS_MEDIA_TYPE)
  @ApiOperation({ summary: 'Complete a multipart upload (signed, single-use URL from the batch API): the hub reads the object back and records its blob' })
  complete(@Param('uploadId', uuidParam('uploadId')) id: string, @Query('token') token: string | undefined, @Body() dto: MultipartCompleteDto) {
    return this.completion.complete(id, token, dto);
  }
}
