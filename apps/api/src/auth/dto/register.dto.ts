import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class RegisterDto {
  @ApiProperty({ example: 'ada', description: '2-39 letters, digits, "-", "_" or "."; starts and ends with a letter or digit' })
  @IsString()
  @MinLength(2)
  @MaxLength(39)
  username: string;

  @ApiProperty({ example: 'ada@example.org' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be a valid email address' })
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: 256 })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password: string;
}
