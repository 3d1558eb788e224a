import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateOrgDto } from './create-org.dto';

/**
 * Every field optional; the name cannot change (it is the organization's address). Absent means
 * "keep"; null is refused for the fields that always have a value (kind, displayName).
 */
export class UpdateOrgDto extends PartialType(OmitType(CreateOrgDto, ['name'] as const), { skipNullProperties: false }) {}
