import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { JwtService } from './jwt.service.js';
import { JWT_KEY } from './jwt-key.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { FAILURE_STORE, type FailureStore } from '../../security/rate-limit.store.js';
import { LoginThrottle } from './login-throttle.js';
import { SecurityModule } from '../../security/security.module.js';

@Module({
  imports: [SecurityModule],
  controllers: [AuthController],
  providers: [
    {
      provide: JwtService,
      inject: [APP_CONFIG, JWT_KEY],
      useFactory: (c: AppConfig, key: string) => new JwtService(key, c.JWT_TOKEN_TTL_SEC, c.JWT_REFRESH_TTL_SEC),
    },
    {
      provide: LoginThrottle,
      inject: [APP_CONFIG, FAILURE_STORE],
      useFactory: (c: AppConfig, store: FailureStore) => LoginThrottle.fromConfig(c, store),
    },
    AuthService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, JwtService],
})
export class AuthModule {}
