import { Controller, Get, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { AcceptsUnknownQuery } from '../common/known-query.guard';
import { WildcardPath } from '../common/wildcard-path.decorator';
import { STORAGE_GATEWAY_PREFIX } from '../storage/storage-url-signer';
import { StorageGatewayProxy } from './storage-gateway.proxy';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

/**
 * The embedded store's objects, at URLs the hub signed (presigned download and upload URLs in
 * embedded mode). GET answers HEAD too. Not in the OpenAPI document: clients never build these URLs.
 */
@ApiExcludeController()
// Signed URLs carry the signer's parameters (expires, signature, uploadId...): the proxy checks them.
@AcceptsUnknownQuery()
@Public()
@Controller(STORAGE_GATEWAY_PREFIX)
export class StorageGatewayController {
  constructor(private readonly proxy: StorageGatewayProxy) {}

  @ApiBytes(200, 'application/octet-stream')
  @Get('*key')
  download(@WildcardPath('key') key: string, @Req() req: Request, @Res() res: Response) {
    return this.proxy.serve(key, req, res);
  }

  @Put('*key')
  upload(@WildcardPath('key') key: string, @Req() req: Request, @Res() res: Response) {
    return this.proxy.serve(key, req, res);
  }
}
