import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, NextFunction } from 'express';
import type { AppConfig } from './config/config.js';
import { CoreModule, type RuntimeInfo, type UplinkSinkWrap } from './core.module.js';
import { openDatabase, type Db } from './database/db.js';
import { ErrorFilter } from './common/error.filter.js';
import { JsonLogger } from './common/logger.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './infra/embedded-broker.js';
import { startEmbeddedPostgres, type EmbeddedPg } from './infra/embedded-postgres.js';
import { featureModules } from './modules/index.js';
import { SecurityModule } from './security/security.module.js';
import { BoundedIoAdapter } from './security/bounded-io.adapter.js';
import { securityHeaders } from './security/security-headers.js';
import { jsonBodyGuard } from './security/json-body-guard.js';
import { limitRequestTime } from './security/request-time.js';
import { resolveJwtKey } from './modules/auth/jwt-key.js';
import { TenantRepository } from './modules/tenants/tenant.repository.js';
import { TenantService } from './modules/tenants/tenant.service.js';

export interface RunningPlatform {
  app: INestApplication;
  db: Db;
  url: string;
  port: number;
  brokerPort: number | null;
  close(): Promise<void>;
}

const VERSION = '0.1.0';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, db: Db, info: RuntimeInfo, jwtKey: string, wrapUplinkSink?: UplinkSinkWrap): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, db, info, jwtKey, wrapUplinkSink),
        SecurityModule,
        ...featureModules,
      ],
    };
  }
}

/**
 * Starts the whole platform in this process: embedded Postgres and broker when asked for,
 * migrations, the Nest app (REST, socket.io, web app) and the first-start accounts.
 */
export interface StartOptions {
  quiet?: boolean;
  /** benchmarks only: wraps the rule engine's uplink sink (to compare the Root Rule Chain with a direct save) */
  uplinkSink?: UplinkSinkWrap;
}

export async function startPlatform(config: AppConfig, opts: StartOptions = {}): Promise<RunningPlatform> {
  const logger = new JsonLogger(opts.quiet ? 'warn' : config.LOG_LEVEL, config.LOG_FORMAT);
  const log = (m: string) => logger.log(m, 'bootstrap');
  let pg: EmbeddedPg | null = null;
  let broker: EmbeddedBroker | null = null;
  let db: Db | null = null;
  try {
    let url = config.DATABASE_URL;
    if (!url) {
      pg = await startEmbeddedPostgres({ dir: path.join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, log });
      url = pg.url;
    }
    db = await openDatabase(url);
    if (config.EMBEDDED_BROKER) broker = await startEmbeddedBroker(config.EMBEDDED_BROKER_PORT, log);
    const info: RuntimeInfo = { embeddedDatabase: !!pg, embeddedBrokerPort: broker?.port ?? null, version: VERSION };
    const jwtKey = await resolveJwtKey(config, new TenantRepository(db));
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, db, info, jwtKey, opts.uplinkSink), {
      logger,
      bodyParser: false,
    });
    app.disable('x-powered-by');
    app.use(securityHeaders);
    app.useBodyParser('json', { limit: config.HTTP_MAX_BODY_KB * 1024 });
    app.use(jsonBodyGuard(config.HTTP_MAX_JSON_DEPTH));
    limitRequestTime(app.getHttpServer() as import('node:http').Server, config);
    if (config.HTTP_TRUST_PROXY) app.set('trust proxy', true);
    app.useWebSocketAdapter(
      new BoundedIoAdapter(app, {
        maxSubscriptions: config.LIVE_MAX_SUBSCRIPTIONS,
        maxMessageBytes: config.LIVE_MAX_MESSAGE_KB * 1024,
        rateLimit: config.LIVE_RATE_LIMIT,
      }),
    );
    app.useGlobalFilters(new ErrorFilter());
    // no enableShutdownHooks(): the process that runs the platform owns the signals (main.ts closes
    // it and exits 0); Nest's hooks would re-raise the signal and end the process as if killed
    setupOpenApi(app);
    serveWeb(app, config);
    // nodes of a cluster starting together on a fresh database: one creates the first accounts
    await db.exclusive('first-start', () => app.get(TenantService).seed());
    await app.listen(config.PORT, config.HOST);
    const server = app.getHttpServer() as import('node:http').Server;
    const port = (server.address() as import('node:net').AddressInfo).port;
    const url0 = `http://localhost:${port}`;
    const dbRef = db;
    return {
      app,
      db,
      url: url0,
      port,
      brokerPort: broker?.port ?? null,
      close: async () => {
        await app.close();
        await dbRef.close();
        await broker?.close();
        await pg?.stop();
      },
    };
  } catch (e) {
    await db?.close().catch(() => undefined);
    await broker?.close().catch(() => undefined);
    await pg?.stop().catch(() => undefined);
    throw e;
  }
}

function setupOpenApi(app: INestApplication): void {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Bridgeboard REST API')
      .setDescription('ThingsBoard-compatible REST API: send X-Authorization: Bearer <token> from POST /api/auth/login')
      .setVersion(VERSION)
      .addApiKey({ type: 'apiKey', name: 'X-Authorization', in: 'header' }, 'X-Authorization')
      .addSecurityRequirements('X-Authorization')
      .build(),
  );
  SwaggerModule.setup('swagger-ui', app, doc, { jsonDocumentUrl: 'api/openapi.json' });
}

/** The built web app, from WEB_DIR or apps/web/dist; unknown non-API paths get index.html (client routing). */
function serveWeb(app: NestExpressApplication, config: AppConfig): void {
  const here = path.dirname(new URL(import.meta.url).pathname);
  const dir = config.WEB_DIR ? path.resolve(config.WEB_DIR) : path.resolve(here, '../../web/dist');
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return;
  app.useStaticAssets(dir, { index: false, maxAge: '1h' });
  const html = readFileSync(index, 'utf8');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/socket.io') || req.path.startsWith('/swagger-ui') || req.path === '/metrics') return next();
    res.type('html').send(html);
  });
}
