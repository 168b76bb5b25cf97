/**
 * Which elements of a camt.053 document the reader keeps, as paths relative to the record
 * (`Stmt`, `Bal`, `Ntry`, `TxDtls`) they belong to. Everything else is skipped while
 * streaming, so a huge document never becomes a tree in memory.
 */

export type RecordKind = 'statement' | 'balance' | 'entry' | 'details';

export type CamtField =
  | 'statementId'
  | 'iban'
  | 'otherAccountId'
  | 'accountCurrency'
  | 'balanceType'
  | 'amount'
  | 'currency'
  | 'transactionAmount'
  | 'transactionCurrency'
  | 'creditDebit'
  | 'reversal'
  | 'status'
  | 'bookingDate'
  | 'bookingDateTime'
  | 'valueDate'
  | 'valueDateTime'
  | 'servicerReference'
  | 'entryReference'
  | 'domainCode'
  | 'familyCode'
  | 'subFamilyCode'
  | 'proprietaryCode'
  | 'additionalInfo'
  | 'endToEndId'
  | 'transactionId'
  | 'instructionId'
  | 'messageId'
  | 'paymentInformationId'
  | 'creditorReference'
  | 'unstructured'
  | 'debtorName'
  | 'creditorName';

/** Fields that keep every occurrence (each `Ustrd` line), not just the first. */
const REPEATED_FIELDS: ReadonlySet<CamtField> = new Set<CamtField>(['unstructured', 'creditorReference']);

/** One element the reader cares about, looked up by local name from its parent. */
export interface PathNode {
  readonly children: ReadonlyMap<string, PathNode>;
  /** The element's text goes to this field of the enclosing record. */
  readonly field: CamtField | null;
  readonly repeated: boolean;
  /** Attribute name → field of the enclosing record (`Amt@Ccy`). */
  readonly attributes: ReadonlyMap<string, CamtField>;
  /** The element opens a record of its own. */
  readonly record: RecordKind | null;
}

type Schema = Readonly<Record<string, CamtField | { record: RecordKind }>>;

const BANK_TRANSACTION_CODE: Schema = {
  'BkTxCd/Domn/Cd': 'domainCode',
  'BkTxCd/Domn/Fmly/Cd': 'familyCode',
  'BkTxCd/Domn/Fmly/SubFmlyCd': 'subFamilyCode',
  'BkTxCd/Prtry/Cd': 'proprietaryCode',
};

const SCHEMAS: Readonly<Record<RecordKind, Schema>> = {
  statement: {
    Id: 'statementId',
    'Acct/Id/IBAN': 'iban',
    'Acct/Id/Othr/Id': 'otherAccountId',
    'Acct/Ccy': 'accountCurrency',
    Bal: { record: 'balance' },
    Ntry: { record: 'entry' },
  },
  balance: {
    'Tp/CdOrPrtry/Cd': 'balanceType',
    Amt: 'amount',
    'Amt@Ccy': 'currency',
    CdtDbtInd: 'creditDebit',
  },
  entry: {
    NtryRef: 'entryReference',
    Amt: 'amount',
    'Amt@Ccy': 'currency',
    CdtDbtInd: 'creditDebit',
    RvslInd: 'reversal',
    // 001.02-001.07 write `<Sts>BOOK</Sts>`, 001.08+ `<Sts><Cd>BOOK</Cd></Sts>`.
    Sts: 'status',
    'Sts/Cd': 'status',
    'Sts/Prtry': 'status',
    'BookgDt/Dt': 'bookingDate',
    'BookgDt/DtTm': 'bookingDateTime',
    'ValDt/Dt': 'valueDate',
    'ValDt/DtTm': 'valueDateTime',
    AcctSvcrRef: 'servicerReference',
    AddtlNtryInf: 'additionalInfo',
    ...BANK_TRANSACTION_CODE,
    'NtryDtls/TxDtls': { record: 'details' },
  },
  details: {
    'Refs/AcctSvcrRef': 'servicerReference',
    'Refs/EndToEndId': 'endToEndId',
    'Refs/TxId': 'transactionId',
    'Refs/InstrId': 'instructionId',
    'Refs/MsgId': 'messageId',
    'Refs/PmtInfId': 'paymentInformationId',
    Amt: 'amount',
    'Amt@Ccy': 'currency',
    'AmtDtls/TxAmt/Amt': 'transactionAmount',
    'AmtDtls/TxAmt/Amt@Ccy': 'transactionCurrency',
    CdtDbtInd: 'creditDebit',
    ...BANK_TRANSACTION_CODE,
    // Up to 001.07 the party is `Dbtr/Nm`; from 001.08 it is `Dbtr/Pty/Nm`.
    'RltdPties/Dbtr/Nm': 'debtorName',
    'RltdPties/Dbtr/Pty/Nm': 'debtorName',
    'RltdPties/Cdtr/Nm': 'creditorName',
    'RltdPties/Cdtr/Pty/Nm': 'creditorName',
    'RmtInf/Ustrd': 'unstructured',
    'RmtInf/Strd/CdtrRefInf/Ref': 'creditorReference',
    AddtlTxInf: 'additionalInfo',
  },
};

interface MutableNode {
  children: Map<string, MutableNode>;
  field: CamtField | null;
  repeated: boolean;
  attributes: Map<string, CamtField>;
  record: RecordKind | null;
}

function emptyNode(): MutableNode {
  return { children: new Map(), field: null, repeated: false, attributes: new Map(), record: null };
}

function nodeAt(root: MutableNode, names: readonly string[]): MutableNode {
  let node = root;
  for (const name of names) {
    let child = node.children.get(name);
    if (!child) {
      child = emptyNode();
      node.children.set(name, child);
    }
    node = child;
  }
  return node;
}

function addPath(root: MutableNode, path: string, target: CamtField | { record: RecordKind }): void {
  const [elementPath, attribute] = path.split('@');
  const node = nodeAt(root, elementPath.split('/'));
  if (typeof target !== 'string') {
    const record = recordNode(target.record);
    node.record = record.record;
    node.children = record.children;
  } else if (attribute !== undefined) {
    node.attributes.set(attribute, target);
  } else {
    node.field = target;
    node.repeated = REPEATED_FIELDS.has(target);
  }
}

function recordNode(kind: RecordKind): MutableNode {
  const node = emptyNode();
  node.record = kind;
  for (const [path, target] of Object.entries(SCHEMAS[kind])) addPath(node, path, target);
  return node;
}

/** `Document` → `BkToCstmrStmt` → `Stmt` (a statement record) and what it holds. */
export const DOCUMENT_NODE: PathNode = (() => {
  const document = emptyNode();
  nodeAt(document, ['BkToCstmrStmt']).children.set('Stmt', recordNode('statement'));
  return document;
})();
