import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { loginRequestSchema, refreshRequestSchema, type TokenPair, type User } from '@bridgeboard/contracts';
import { AuthService } from './auth.service.js';
import { CurrentUser, Public, type SecurityUser } from './security.js';

@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  login(@Body() body: unknown, @Ip() ip: string): Promise<TokenPair> {
    const b = loginRequestSchema.parse(body);
    return this.auth.login(b.username, b.password, ip);
  }

  @Post('auth/token')
  @Public()
  @HttpCode(200)
  refresh(@Body() body: unknown): Promise<TokenPair> {
    return this.auth.refresh(refreshRequestSchema.parse(body).refreshToken);
  }

  @Get('auth/user')
  user(@CurrentUser() u: SecurityUser): Promise<User> {
    return this.auth.currentUser(u);
  }
}
