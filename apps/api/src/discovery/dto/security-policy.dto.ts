import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class SecurityPolicyDto {
  @ApiProperty({ description: 'Scan pickle files before the branch moves and refuse (422) a commit that adds a dangerous one' })
  @IsBoolean({ message: 'blockDangerousPickles must be true or false' })
  blockDangerousPickles: boolean;
}
