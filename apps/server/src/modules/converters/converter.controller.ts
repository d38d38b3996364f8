import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  converterTypes,
  saveConverterSchema,
  testDownLinkSchema,
  testUpLinkSchema,
  type Converter,
  type ConverterDebugInReply,
  type ConverterTestReply,
  type PageData,
  type ConverterVersion,
  versionCommentSchema,
} from '@bridgeboard/contracts';
import { z } from 'zod';
import { parsePageQuery } from '../../common/paging.js';
import { CurrentUser, TenantId, type SecurityUser } from '../auth/security.js';
import { ConverterService } from './converter.service.js';
import { ConverterTester } from './converter.tester.js';

const savedBy = (u: SecurityUser) => ({ id: u.userId, email: u.email });
const versionNumber = (v: string) => z.coerce.number({ message: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be 1 or more').parse(v);

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
  save(@TenantId() tenantId: string, @CurrentUser() user: SecurityUser, @Query() q: Record<string, unknown>, @Body() body: unknown): Promise<Converter> {
    const comment = versionCommentSchema.parse(q.versionComment) ?? null;
    return this.converters.save(tenantId, saveConverterSchema.parse(body), savedBy(user), comment);
  }

  /** Every save of the converter, newest first. */
  @Get('converter/:id/versions')
  versions(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Query() q: Record<string, unknown>): Promise<PageData<ConverterVersion>> {
    return this.converters.versionPage(tenantId, id, parsePageQuery(q));
  }

  @Get('converter/:id/versions/:version')
  version(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string, @Param('version') version: string): Promise<ConverterVersion> {
    return this.converters.version(tenantId, id, versionNumber(version));
  }

  /** Saves that version's name and configuration again: a new version, "Restored version N". */
  @Post('converter/:id/versions/:version/restore')
  @HttpCode(200)
  restore(
    @TenantId() tenantId: string,
    @CurrentUser() user: SecurityUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version') version: string,
  ): Promise<Converter> {
    return this.converters.restore(tenantId, id, versionNumber(version), savedBy(user));
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
  debugIn(
    @TenantId() tenantId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ConverterDebugInReply> {
    return this.converters.debugInReply(tenantId, id);
  }

  @Delete('converter/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.converters.delete(tenantId, id);
  }
}
