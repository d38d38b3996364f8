import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { RUNTIME_INFO, type RuntimeInfo } from '../../core.module.js';
import { Db } from '../../database/db.js';
import { ClusterBus } from './cluster-bus.js';
import { ClusterPlatformEvents } from './cluster-events.js';
import { PLATFORM_EVENTS } from '../../common/ports.js';
import { ClusterController } from './cluster.controller.js';
import { ClusterDirectory } from './cluster-directory.js';
import { ClusterNode, generatedNodeId } from './cluster-node.js';
import { ClusterService } from './cluster.service.js';

/** Registers this node before anything else starts, and takes it out last. */
@Injectable()
class ClusterLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly node: ClusterNode,
    private readonly bus: ClusterBus,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.bus.start();
    await this.node.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.node.stop();
    await this.bus.close();
  }
}

/**
 * The nodes sharing one database: the node registry with its heartbeat, the message bus between
 * nodes (LISTEN/NOTIFY) and what this node knows of integrations running elsewhere. Integrations
 * are placed by cluster/integration-placement.ts, provided by the integrations module.
 */
@Module({
  controllers: [ClusterController],
  providers: [
    {
      provide: ClusterNode,
      inject: [Db, APP_CONFIG, RUNTIME_INFO, HttpAdapterHost],
      useFactory: (db: Db, config: AppConfig, info: RuntimeInfo, http: HttpAdapterHost) =>
        new ClusterNode(
          db,
          config.NODE_ID ?? generatedNodeId(),
          config.CLUSTER_HEARTBEAT_MS,
          config.CLUSTER_NODE_TIMEOUT_BEATS,
          {
            version: info.version,
            port: () =>
              (
                (
                  http.httpAdapter?.getHttpServer() as import('node:http').Server | undefined
                )?.address() as AddressInfo | null
              )?.port ?? config.PORT,
          },
        ),
    },
    {
      provide: ClusterBus,
      inject: [Db, ClusterNode],
      useFactory: (db: Db, node: ClusterNode) => new ClusterBus(db, node.id),
    },
    {
      provide: ClusterDirectory,
      inject: [ClusterNode, ClusterBus],
      useFactory: (node: ClusterNode, bus: ClusterBus) => new ClusterDirectory(node, bus),
    },
    // the platform's event bus: the one place the bus between nodes plugs in (common/ports.ts)
    {
      provide: PLATFORM_EVENTS,
      inject: [ClusterBus, ClusterNode],
      useFactory: (bus: ClusterBus, node: ClusterNode) => new ClusterPlatformEvents(bus, node),
    },
    ClusterService,
    ClusterLifecycle,
  ],
  exports: [ClusterNode, ClusterBus, ClusterDirectory, PLATFORM_EVENTS],
})
export class ClusterModule {}
