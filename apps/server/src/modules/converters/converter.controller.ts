import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  converterTypes,
  saveConverterSchema,
  testDownLinkSchema,
  testUpLinkSchema,
  type Converter,
  type ConverterDebugIn,
  type ConverterTestReply,
  type PageData,
} from '@bridgeboard/contracts';
import { z } from 'zod';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { ConverterService } from './converter.service.js';
import { ConverterTester } from './converter.tester.js';

const scriptLang = z.object({ scriptLang: z.literal('JS', { message: 'only JS is supported' }).optional() });

@Controller('api')
export class ConverterController {
  constructor(
    private readonly converters: ConverterService,
    private readonly tester: ConverterTester,
  ) {}

  /** Create, or update with `id`. The reply carries `testResults` of the saved test cases. */
  @Post('converter')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<Converter> {
    return this.converters.save(tenantId, saveConverterSchema.parse(body));
  }

  /** Runs a decoder on a payload without saving it: `{output, error, consoleLines}`. */
  @Post('converter/testUpLink')
  @HttpCode(200)
  testUpLink(
    @TenantId() tenantId: string,
    @Query() q: unknown,
    @Body() body: unknown,
  ): Promise<ConverterTestReply> {
    scriptLang.parse(q);
    return this.tester.testUplink(tenantId, testUpLinkSchema.parse(body));
  }

  @Post('converter/testDownLink')
  @HttpCode(200)
  testDownLink(
    @TenantId() tenantId: string,
    @Query() q: unknown,
    @Body() body: unknown,
  ): Promise<ConverterTestReply> {
    scriptLang.parse(q);
    return this.tester.testDownlink(tenantId, testDownLinkSchema.parse(body));
  }

  @Get('converters')
  page(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<Converter>> {
    const type = q.type ? z.enum(converterTypes).parse(q.type) : undefined;
    return this.converters.page(tenantId, parsePageQuery(q), type);
  }

  @Get('converter/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<Converter> {
    return this.converters.get(tenantId, id);
  }

  /** The latest real input of the converter, to start a test run from it. */
  @Get('converter/:id/debugIn')
  debugIn(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<ConverterDebugIn> {
    return this.converters.debugIn(tenantId, id);
  }

  @Delete('converter/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.converters.delete(tenantId, id);
  }
}
