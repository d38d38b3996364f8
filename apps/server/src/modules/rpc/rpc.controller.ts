import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { rpcRequestSchema, rpcStatuses, type PageData, type Rpc } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { RpcService } from './rpc.service.js';

// ThingsBoard's clients may ask for DELETED calls too; Bridgeboard deletes calls outright, so there are none.
const statusQuery = z.object({ rpcStatus: z.enum([...rpcStatuses, 'DELETED']).optional() });

/** ThingsBoard's server-side RPC API. */
@Controller('api')
export class RpcController {
  constructor(private readonly rpc: RpcService) {}

  /** 200 once the command has left for the broker (persistent: at once, with the rpcId to follow). ThingsBoard's v1 and v2 paths. */
  @Post(['plugins/rpc/oneway/:deviceId', 'rpc/oneway/:deviceId'])
  @HttpCode(200)
  async oneway(
    @TenantId() tenantId: string,
    @Param('deviceId', ParseUUIDPipe) deviceId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const out = await this.rpc.call(tenantId, deviceId, true, rpcRequestSchema.parse(body));
    if (out === undefined) res.status(200).end();
    else res.status(200).json(out);
  }

  /** The device's reply, or 408 when none came before the timeout (as ThingsBoard). v1 and v2 paths. */
  @Post(['plugins/rpc/twoway/:deviceId', 'rpc/twoway/:deviceId'])
  @HttpCode(200)
  async twoway(
    @TenantId() tenantId: string,
    @Param('deviceId', ParseUUIDPipe) deviceId: string,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    const out = await this.rpc.call(tenantId, deviceId, false, rpcRequestSchema.parse(body));
    // The reply is sent as JSON whatever it is (a string reply arrives as a JSON string).
    res
      .status(200)
      .type('application/json')
      .send(JSON.stringify(out ?? null));
  }

  @Get('rpc/persistent/device/:deviceId')
  page(
    @TenantId() tenantId: string,
    @Param('deviceId', ParseUUIDPipe) deviceId: string,
    @Query() q: Record<string, unknown>,
  ): Promise<PageData<Rpc>> {
    const { rpcStatus } = statusQuery.parse(q);
    const p = parsePageQuery(q);
    if (rpcStatus === 'DELETED')
      return Promise.resolve({ data: [], totalPages: 0, totalElements: 0, hasNext: false });
    return this.rpc.pageByDevice(tenantId, deviceId, p, rpcStatus);
  }

  @Get('rpc/persistent/:rpcId')
  get(@TenantId() tenantId: string, @Param('rpcId', ParseUUIDPipe) rpcId: string): Promise<Rpc> {
    return this.rpc.get(tenantId, rpcId);
  }
}
