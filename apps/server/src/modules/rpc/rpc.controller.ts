import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { rpcRequestSchema, rpcStatuses, type PageData, type Rpc } from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { RpcService } from './rpc.service.js';

const statusQuery = z.object({ rpcStatus: z.enum(rpcStatuses).optional() });

/** ThingsBoard's server-side RPC API. */
@Controller('api')
export class RpcController {
  constructor(private readonly rpc: RpcService) {}

  /** 200 once the command has left for the broker (persistent: at once, with the rpcId to follow). */
  @Post('plugins/rpc/oneway/:deviceId')
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

  /** The device's reply, or 504 when none came before the timeout. */
  @Post('plugins/rpc/twoway/:deviceId')
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
    return this.rpc.pageByDevice(tenantId, deviceId, parsePageQuery(q), statusQuery.parse(q).rpcStatus);
  }

  @Get('rpc/persistent/:rpcId')
  get(@TenantId() tenantId: string, @Param('rpcId', ParseUUIDPipe) rpcId: string): Promise<Rpc> {
    return this.rpc.get(tenantId, rpcId);
  }
}
