import { ApiProperty } from '@nestjs/swagger';
import { ORG_ROLES, type OrgRole } from '@model-hub/contracts';
import { IsIn, IsString, MaxLength, MinLength } from 'class-validator';

export class AddMemberDto {
  @ApiProperty({ example: 'grace' })
  @IsString()
  @MinLength(1)
  @MaxLength(39)
  username: string;

  @ApiProperty({ enum: ORG_ROLES })
  @IsIn(ORG_ROLES, { message: `role must be one of ${ORG_ROLES.join(', ')}` })
  role: OrgRole;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ORG_ROLES })
  @IsIn(ORG_ROLES, { message: `role must be one of ${ORG_ROLES.join(', ')}` })
  role: OrgRole;
}
