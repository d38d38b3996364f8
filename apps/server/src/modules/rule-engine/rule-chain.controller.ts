import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  saveRuleChainMetaDataSchema,
  saveRuleChainSchema,
  type ComponentDescriptor,
  type PageData,
  type RuleChain,
  type RuleChainMetaData,
} from '@bridgeboard/contracts';
import { parsePageQuery } from '../../common/paging.js';
import { TenantId } from '../auth/security.js';
import { Sandbox } from '@bridgeboard/sandbox';
import { RuleChainService } from './rule-chain.service.js';
import { testNodeScript, testScriptSchema } from './script-tester.js';

/** Rule chains and their metadata, as ThingsBoard's REST API. */
@Controller('api')
export class RuleChainController {
  constructor(
    private readonly chains: RuleChainService,
    private readonly sandbox: Sandbox,
  ) {}

  /** Runs a script node's JavaScript on a sample message (the editor's "Test script"). */
  @Post('ruleChain/testScript')
  @HttpCode(200)
  testScript(@TenantId() tenantId: string, @Body() body: unknown) {
    return testNodeScript(this.sandbox, tenantId, testScriptSchema.parse(body));
  }

  @Get('ruleChains')
  page(@TenantId() tenantId: string, @Query() q: Record<string, unknown>): Promise<PageData<RuleChain>> {
    return this.chains.page(tenantId, parsePageQuery(q));
  }

  @Get('ruleChain/:id')
  get(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<RuleChain> {
    return this.chains.get(tenantId, id);
  }

  @Post('ruleChain')
  @HttpCode(200)
  save(@TenantId() tenantId: string, @Body() body: unknown): Promise<RuleChain> {
    return this.chains.save(tenantId, saveRuleChainSchema.parse(body));
  }

  @Get('ruleChain/:id/metadata')
  metadata(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<RuleChainMetaData> {
    return this.chains.getMetadata(tenantId, id);
  }

  @Post('ruleChain/metadata')
  @HttpCode(200)
  saveMetadata(@TenantId() tenantId: string, @Body() body: unknown): Promise<RuleChainMetaData> {
    return this.chains.saveMetadata(tenantId, saveRuleChainMetaDataSchema.parse(body));
  }

  @Post('ruleChain/:id/root')
  @HttpCode(200)
  setRoot(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<RuleChain> {
    return this.chains.setRoot(tenantId, id);
  }

  @Delete('ruleChain/:id')
  @HttpCode(200)
  async delete(@TenantId() tenantId: string, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.chains.delete(tenantId, id);
  }

  /** Every rule node type the engine knows, for the editor's palette and configuration forms. */
  @Get('components')
  components(): ComponentDescriptor[] {
    return this.chains.components();
  }
}
