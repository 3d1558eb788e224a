import { Body, Controller, Delete, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthResult } from '@model-hub/contracts';
import type { Request, Response } from 'express';
import { Public } from '../common/auth/auth.decorators';
import { HUB_CONFIG, ResolvedHubConfig } from '../config/hub-config';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { clearSessionCookies, setSessionCookies } from './session-cookies';

/** The browser's session: the same sign-up and login, answered with cookies instead of a token in the body. */
@ApiTags('accounts')
@Public()
@Controller('api/v1/auth/session')
export class SessionController {
  constructor(
    private readonly auth: AuthService,
    @Inject(HUB_CONFIG) private readonly config: ResolvedHubConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in a browser: sets an httpOnly session cookie and a CSRF cookie (send it back as X-CSRF-Token on changes)' })
  async login(@Body() dto: LoginDto, @Ip() ip: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.start(await this.auth.login(dto, ip), req, res);
  }

  @Post('register')
  @ApiOperation({ summary: 'Create an account and log the browser in (cookies as above)' })
  async register(@Body() dto: RegisterDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.start(await this.auth.register(dto), req, res);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Log the browser out (clears both cookies)' })
  logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): void {
    clearSessionCookies(req, res);
  }

  /** The JWT goes into the cookie only: the page's script never holds it. */
  private start(result: AuthResult, req: Request, res: Response): Omit<AuthResult, 'accessToken'> {
    setSessionCookies(req, res, result.accessToken, this.config.jwt.secret, this.config.jwt.expiresInSeconds);
    const { accessToken: _secret, ...rest } = result;
    return rest;
  }
}
