import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import type { Principal } from '../common/auth/principal';
import { AuthService } from './auth.service';

/** Passport's bearer strategy over both credential kinds (session JWT, `hf_` API token). */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly auth: AuthService) {
    super();
  }

  async validate(token: string): Promise<Principal | false> {
    return (await this.auth.authenticate(token)) ?? false;
  }
}
