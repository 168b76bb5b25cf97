import type { ParsedStatement, RowProblem } from '../statement-file.types';
import { type AmountSource, readSignedAmount } from './camt053-values';
import type { FieldRecord } from './field-record';

type BalanceRole = 'opening' | 'closing';

const BALANCE_ROLES: ReadonlyMap<string, BalanceRole> = new Map([
  ['OPBD', 'opening'],
  ['PRCD', 'opening'],
  ['CLBD', 'closing'],
]);

const BALANCE_AMOUNT: AmountSource = { amount: 'amount', currency: 'currency', label: 'Bal/Amt' };

function balanceRole(balance: FieldRecord): BalanceRole | null {
  const type = balance.get('balanceType');
  return type === null ? null : (BALANCE_ROLES.get(type) ?? null);
}

/** Keeps the first opening (OPBD/PRCD) and first closing (CLBD) balance; other types are not needed. */
export function keepBalance(statement: FieldRecord, balance: FieldRecord): void {
  const role = balanceRole(balance);
  if (role !== null && !statement.children.some((kept) => balanceRole(kept) === role)) statement.children.push(balance);
}

export function statementAccountId(statement: FieldRecord): string | null {
  return statement.get('iban') ?? statement.get('otherAccountId');
}

/** The `Stmt` header; a balance that cannot be read is null and reported as a row problem. */
export function mapStatement(statement: FieldRecord): { statement: ParsedStatement; problems: RowProblem[] } {
  const balances: Record<BalanceRole, bigint | null> = { opening: null, closing: null };
  const problems: RowProblem[] = [];
  for (const balance of statement.children) {
    const role = balanceRole(balance);
    const amount = readSignedAmount(balance, BALANCE_AMOUNT, balance.get('creditDebit'), 'Bal/CdtDbtInd');
    if (role === null) continue;
    if (amount.ok) balances[role] = amount.value.minor;
    else problems.push(...amount.problems);
  }
  return {
    statement: {
      line: statement.line,
      statementId: statement.get('statementId'),
      accountId: statementAccountId(statement),
      currency: statement.get('accountCurrency'),
      openingBalance: balances.opening,
      closingBalance: balances.closing,
    },
    problems,
  };
}
