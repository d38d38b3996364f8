import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import {
  ruleChainTypes,
  ruleNodeCategories,
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

const componentQuery = z.object({
  componentTypes: z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((t) => t.trim().toUpperCase())
            .filter(Boolean)
        : [],
    )
    .pipe(
      z.array(
        z.enum(ruleNodeCategories, {
          message: `componentTypes must be among ${ruleNodeCategories.join(', ')}`,
        }),
      ),
    ),
  ruleChainType: z
    .string()
    .optional()
    .transform((s) => s?.toUpperCase())
    .pipe(z.enum(ruleChainTypes, { message: 'ruleChainType must be CORE or EDGE' }).optional()),
});

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

  /**
   * Rule node types as ThingsBoard's ComponentDescriptor (the editor's palette and forms), optionally of some
   * categories only (`componentTypes=ACTION,FILTER`). Every node runs in CORE chains; EDGE chains get none.
   */
  @Get('components')
  components(@Query() q: unknown): ComponentDescriptor[] {
    const { componentTypes, ruleChainType } = componentQuery.parse(q);
    return ruleChainType === 'EDGE' ? [] : this.chains.components(componentTypes);
  }

  /** One category (ThingsBoard's /api/components/{componentType}). */
  @Get('components/:componentType')
  componentsOfType(@Param('componentType') type: string, @Query() q: unknown): ComponentDescriptor[] {
    const { componentTypes, ruleChainType } = componentQuery.parse({
      ...(q as object),
      componentTypes: type,
    });
    return ruleChainType === 'EDGE' ? [] : this.chains.components(componentTypes);
  }

  @Get('component/:clazz')
  component(@Param('clazz') clazz: string): ComponentDescriptor {
    return this.chains.component(clazz);
  }
}
