import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import {
  DEFAULT_MATCHING_RULES,
  DEFAULT_MAX_PERIOD_DAYS,
  DomainError,
  isKnownCurrency,
  referencePatternProblem,
  requireAmount,
} from '@concilia/domain';
import {
  AccountRepository,
  advanceLedgerVersion,
  Database,
  type AccountEntity,
  type AccountFilters,
  type MatchingRulesEntity,
  type MatchingRulesValues,
  type Page,
  type PageRequest,
  type Tx,
  type UnreconciledCounts,
} from '@concilia/persistence';
import { EventRecorder } from '@concilia/platform';
import { AuditService } from '../audit/audit.service';
import { apiKeyCaller } from '../http/request-context';
import type { CreateAccountDto } from './dto/create-account.dto';
import type { MatchingRulesDto } from './dto/matching-rules.dto';
import type { UpdateAccountDto } from './dto/update-account.dto';

@Injectable()
export class AccountsService {
  constructor(
    private readonly database: Database,
    private readonly accounts: AccountRepository,
    private readonly audit: AuditService,
    private readonly events: EventRecorder,
  ) {}

  async create(request: FastifyRequest, body: CreateAccountDto): Promise<AccountEntity> {
    const { tenantId } = apiKeyCaller(request);
    if (!isKnownCurrency(body.currency)) throw DomainError.field('currency_unknown', 'currency', `unknown currency '${body.currency}'`);
    return this.database.transaction(async (tx) => {
      const account = await this.accounts.insert(
        tx,
        {
          id: uuidv7(),
          tenantId,
          name: body.name,
          kind: body.kind,
          currency: body.currency,
          channel: body.channel ?? null,
          externalId: body.externalId ?? null,
          maxPeriodDays: body.maxPeriodDays ?? DEFAULT_MAX_PERIOD_DAYS,
        },
        { ...DEFAULT_MATCHING_RULES, referencePatterns: [], strategies: [...DEFAULT_MATCHING_RULES.strategies] },
      );
      await this.audit.record(tx, request, { tenantId, action: 'account.created', targetType: 'account', targetId: account.id, after: snapshot(account) });
      return account;
    });
  }

  async get(tenantId: string, id: string): Promise<AccountEntity> {
    const account = await this.accounts.findById(tenantId, id);
    if (!account) throw notFound();
    return account;
  }

  list(tenantId: string, filters: AccountFilters, page: PageRequest): Promise<Page<AccountEntity>> {
    return this.accounts.list(tenantId, filters, page);
  }

  unreconciled(accountIds: string[]): Promise<Map<string, UnreconciledCounts>> {
    return this.accounts.unreconciledCounts(accountIds);
  }

  /** Always allowed, even on a BLOCKED account: this is how an account is unblocked. */
  async update(request: FastifyRequest, id: string, body: UpdateAccountDto): Promise<AccountEntity> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const before = await this.accounts.findById(tenantId, id, tx);
      if (!before) throw notFound();
      const changes = { ...(body.name !== undefined && { name: body.name }), ...(body.status !== undefined && { status: body.status }), ...(body.maxPeriodDays !== undefined && { maxPeriodDays: body.maxPeriodDays }) };
      const after = await this.accounts.update(tx, tenantId, id, changes);
      if (!after) throw notFound();
      const action = before.status !== after.status ? (after.status === 'BLOCKED' ? 'account.blocked' : 'account.unblocked') : 'account.updated';
      await this.audit.record(tx, request, { tenantId, action, targetType: 'account', targetId: id, before: snapshot(before), after: snapshot(after) });
      if (action === 'account.blocked') await this.events.record(tx, { tenantId, type: 'account.blocked', data: { accountId: id, name: after.name, externalId: after.externalId, status: after.status }, correlationId: String(request.id) });
      return after;
    });
  }

  async getRules(tenantId: string, accountId: string): Promise<{ account: AccountEntity; rules: MatchingRulesEntity }> {
    const account = await this.get(tenantId, accountId);
    const rules = await this.accounts.findRules(tenantId, accountId);
    if (!rules) throw new Error(`account ${accountId} has no matching rules row`);
    return { account, rules };
  }

  async replaceRules(request: FastifyRequest, accountId: string, body: MatchingRulesDto): Promise<{ account: AccountEntity; rules: MatchingRulesEntity }> {
    const { tenantId } = apiKeyCaller(request);
    return this.database.transaction(async (tx) => {
      const account = await this.writableAccount(tx, tenantId, accountId);
      const values = toRuleValues(body, account.currency);
      const before = await this.accounts.findRules(tenantId, accountId, tx);
      const rules = await this.accounts.replaceRules(tx, tenantId, accountId, values);
      await this.audit.record(tx, request, {
        tenantId,
        action: 'matching_rules.replaced',
        targetType: 'account',
        targetId: accountId,
        before: before ? ruleSnapshot(before) : null,
        after: ruleSnapshot(rules),
      });
      // The date window sets which ledger entries a reconciliation reaches.
      await advanceLedgerVersion(tx, accountId);
      return { account, rules };
    });
  }

  /** Locks the account for the rest of `tx` and refuses writes to a missing (404) or BLOCKED (423) one. */
  async writableAccount(tx: Tx, tenantId: string, accountId: string): Promise<AccountEntity> {
    const account = await this.accounts.lockById(tx, tenantId, accountId);
    if (!account) throw notFound();
    if (account.status === 'BLOCKED') throw new DomainError('account_blocked', 'This account is blocked; unblock it to write to it.');
    return account;
  }
}

function notFound(): DomainError {
  return new DomainError('not_found', 'No account with this id.');
}

function toRuleValues(body: MatchingRulesDto, currency: string): MatchingRulesValues {
  body.referencePatterns.forEach((pattern, index) => {
    const problem = referencePatternProblem(pattern);
    if (problem) throw DomainError.field('validation_failed', `referencePatterns[${index}]`, problem);
  });
  if (body.suggestThreshold > body.autoAcceptThreshold) {
    throw DomainError.field('validation_failed', 'suggestThreshold', 'must not exceed autoAcceptThreshold');
  }
  const amountTolerance = requireAmount(body.amountTolerance, currency, 'amountTolerance');
  const warning = requireAmount(body.severityThresholds.warning, currency, 'severityThresholds.warning');
  const critical = requireAmount(body.severityThresholds.critical, currency, 'severityThresholds.critical');
  if (amountTolerance < 0n) throw DomainError.field('validation_failed', 'amountTolerance', 'must not be negative');
  if (warning < 0n || critical < warning) {
    throw DomainError.field('validation_failed', 'severityThresholds', 'need 0 <= warning <= critical');
  }
  return {
    amountTolerance,
    amountToleranceBps: body.amountToleranceBps,
    dateWindowDays: body.dateWindowDays,
    referencePatterns: body.referencePatterns,
    useExternalIdAsReference: body.useExternalIdAsReference,
    strategies: body.strategies,
    autoAcceptThreshold: body.autoAcceptThreshold,
    suggestThreshold: body.suggestThreshold,
    maxGroupSize: body.maxGroupSize,
    severityWarningAmount: warning,
    severityCriticalAmount: critical,
  };
}

function snapshot(account: AccountEntity): Record<string, unknown> {
  return { name: account.name, status: account.status, maxPeriodDays: account.maxPeriodDays };
}

function ruleSnapshot(rules: MatchingRulesEntity): Record<string, unknown> {
  return {
    ...rules,
    amountTolerance: rules.amountTolerance.toString(),
    severityWarningAmount: rules.severityWarningAmount.toString(),
    severityCriticalAmount: rules.severityCriticalAmount.toString(),
  };
}
