import { Body, Controller, Get, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScope } from '../http/access.decorators';
import { listResponse, pageRequest } from '../http/pagination';
import { apiKeyCaller } from '../http/request-context';
import { IdParam } from '../http/uuid-param.pipe';
import { presentAccount, presentMatchingRules } from './account.presenter';
import { AccountsService } from './accounts.service';
import { CreateAccountDto } from './dto/create-account.dto';
import { ListAccountsQueryDto } from './dto/list-accounts-query.dto';
import { MatchingRulesDto } from './dto/matching-rules.dto';
import { UpdateAccountDto } from './dto/update-account.dto';

@ApiTags('Accounts')
@ApiBearerAuth()
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly service: AccountsService) {}

  @Post()
  @RequireScope('accounts:write')
  @ApiOperation({ summary: 'Create an account (bank, marketplace store, acquirer, wallet)' })
  async create(@Req() request: FastifyRequest, @Body() body: CreateAccountDto) {
    return presentAccount(await this.service.create(request, body), { ledgerEntries: 0, statementEntries: 0 });
  }

  @Get()
  @RequireScope('accounts:read')
  @ApiOperation({ summary: 'The caller’s accounts, with counts of unreconciled entries' })
  async list(@Req() request: FastifyRequest, @Query() query: ListAccountsQueryDto) {
    const { limit, cursor, ...filters } = query;
    const page = await this.service.list(apiKeyCaller(request).tenantId, filters, pageRequest(limit, cursor));
    const counts = await this.service.unreconciled(page.data.map((account) => account.id));
    return listResponse(page, (account) => presentAccount(account, counts.get(account.id)));
  }

  @Get(':id')
  @RequireScope('accounts:read')
  async get(@Req() request: FastifyRequest, @IdParam() id: string) {
    const account = await this.service.get(apiKeyCaller(request).tenantId, id);
    const counts = await this.service.unreconciled([id]);
    return presentAccount(account, counts.get(id));
  }

  @Patch(':id')
  @RequireScope('accounts:write')
  @ApiOperation({ summary: 'Rename, block or unblock, change the longest period' })
  async update(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: UpdateAccountDto) {
    return presentAccount(await this.service.update(request, id, body));
  }

  @Get(':id/matching-rules')
  @RequireScope('accounts:read')
  async getRules(@Req() request: FastifyRequest, @IdParam() id: string) {
    const { account, rules } = await this.service.getRules(apiKeyCaller(request).tenantId, id);
    return presentMatchingRules(rules, account.currency);
  }

  @Put(':id/matching-rules')
  @RequireScope('accounts:write')
  @ApiOperation({ summary: 'Replace the matching rules (every field required)' })
  async replaceRules(@Req() request: FastifyRequest, @IdParam() id: string, @Body() body: MatchingRulesDto) {
    const { account, rules } = await this.service.replaceRules(request, id, body);
    return presentMatchingRules(rules, account.currency);
  }
}
