import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, RequireScope } from '../common/auth/auth.decorators';
import type { Principal } from '../common/auth/principal';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateOfferDto, UpdateOfferDto } from './dto/offer.dto';
import { CreateLicenseRequestDto } from './dto/request.dto';
import { LicenseRequestsService } from './license-requests.service';
import { OffersService } from './offers.service';
import { RepoKindParam, type RepoKind } from '../models/repo-kind';

@ApiTags('licensing')
@ApiBearerAuth()
@Controller('api/v1')
export class OffersController {
  constructor(
    private readonly offers: OffersService,
    private readonly requests: LicenseRequestsService,
  ) {}

  @RequireScope('write')
  @Post(['models/:namespace/:name/offers', 'datasets/:namespace/:name/offers'])
  @ApiOperation({ summary: "Publish a licence offer (the model's admins); one that needs approval gates the model" })
  create(
    @CurrentPrincipal() p: Principal,
    @RepoKindParam() kind: RepoKind,
    @Param('namespace') ns: string,
    @Param('name') name: string,
    @Body() dto: CreateOfferDto,
  ) {
    return this.offers.create(p, ns, name, kind, dto);
  }

  @Public()
  @Get(['models/:namespace/:name/offers', 'datasets/:namespace/:name/offers'])
  @ApiOperation({ summary: "A model's licence offers, withdrawn ones included (status)" })
  list(@CurrentPrincipal() p: Principal | undefined, @RepoKindParam() kind: RepoKind, @Param('namespace') ns: string, @Param('name') name: string) {
    return this.offers.list(p, ns, name, kind);
  }

  @Public()
  @Get('offers/:id')
  @ApiOperation({ summary: 'An offer with every version of its terms' })
  get(@CurrentPrincipal() p: Principal | undefined, @Param('id', uuidParam()) id: string) {
    return this.offers.get(p, id);
  }

  @RequireScope('write')
  @Patch('offers/:id')
  @ApiOperation({ summary: 'Edit an offer; changing its terms or conditions makes a new terms version (grants keep theirs)' })
  update(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: UpdateOfferDto) {
    return this.offers.update(p, id, dto);
  }

  @RequireScope('write')
  @Post('offers/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an offer: no new requests; existing grants stay until they end' })
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string) {
    return this.offers.withdraw(p, id);
  }

  @RequireScope('write')
  @Post('offers/:id/requests')
  @ApiOperation({ summary: 'Request an offer for yourself or an organization you administer, accepting its current terms version' })
  request(@CurrentPrincipal() p: Principal, @Param('id', uuidParam()) id: string, @Body() dto: CreateLicenseRequestDto) {
    return this.requests.create(p, id, dto);
  }
}
