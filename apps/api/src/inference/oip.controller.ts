import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Public } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { InferenceService } from './inference.service';
import { ApiBytes } from '../common/openapi/api-bytes.decorator';

/**
 * The Open Inference Protocol's REST API (KServe v2), as its specification says: health, server
 * and model metadata, readiness, and infer. Errors keep the hub's one shape, whose `error` is the
 * protocol's `{error}`.
 */
@ApiTags('inference')
@ApiBearerAuth()
@Controller('v2')
export class OipController {
  constructor(private readonly inference: InferenceService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Server metadata (OIP)' })
  server() {
    return { name: 'model-hub', version: '0.1.0', extensions: ['binary_tensor_data'] };
  }

  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness (OIP)' })
  live() {
    return { live: true };
  }

  @Public()
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness (OIP)' })
  ready() {
    return { ready: true };
  }

  @Public()
  @Get(['models/:model', 'models/:model/versions/:version'])
  @ApiOperation({ summary: 'Model metadata: inputs and outputs with datatypes and shapes (-1: dynamic)' })
  metadata(@CurrentPrincipal() p: Principal | undefined, @Param('model') model: string, @Param('version') version?: string) {
    return this.inference.metadata(p, model, version);
  }

  @Public()
  @Get(['models/:model/ready', 'models/:model/versions/:version/ready'])
  @ApiOperation({ summary: 'Model readiness (OIP)' })
  async modelReady(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('model') model: string,
    @Res({ passthrough: true }) res: Response,
    @Param('version') version?: string,
  ) {
    const ready = await this.inference.ready(p, model, version);
    if (!ready) res.status(503);
    return { name: model, ready };
  }

  @Public()
  @ApiBytes(200, 'application/json', 'application/octet-stream')
  @Post(['models/:model/infer', 'models/:model/versions/:version/infer'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Infer: {id?, parameters?, inputs: [{name, shape, datatype, data}], outputs?} → {model_name, model_version, id, outputs}' })
  infer(
    @CurrentPrincipal() p: Principal | undefined,
    @Param('model') model: string,
    @Req() req: Request,
    @Res() res: Response,
    @Param('version') version?: string,
  ): Promise<void> {
    return this.inference.serve(p, model, version, req, res);
  }
}
