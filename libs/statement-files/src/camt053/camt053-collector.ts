import { DomainError } from '@concilia/domain';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { StatementFileEvent } from '../statement-file.types';
import { mapEntry } from './camt053-entry';
import { DOCUMENT_NODE, type PathNode, type RecordKind } from './camt053-paths';
import { keepBalance, mapStatement, statementAccountId } from './camt053-statement';
import { quoted } from './camt053-values';
import { FieldRecord } from './field-record';
import { checkDocumentElement, checkMessageElement } from './message-type';
import { xmlDtdForbidden, xmlMalformed } from './xml-errors';

const MAX_DEPTH = 64;
const MAX_TEXT_LENGTH = 1_048_576;
/** What one `Ntry` (with all its `TxDtls`) may keep in memory, in characters. */
const MAX_ENTRY_SIZE = 16 * 1_048_576;
/** Bookkeeping of one kept `TxDtls` or value, counted against MAX_ENTRY_SIZE. */
const RECORD_COST = 256;
const VALUE_COST = 16;
const SAXES_POSITION = /^\d+:\d+: /;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

export interface CollectorOptions {
  includeNotBooked: boolean;
}

/**
 * Follows the SAX events of one camt.053 document, keeps the few values the mapping needs
 * (per `Stmt` its header, per `Ntry` a small subtree), and turns each closed `Ntry` into
 * events. Everything it throws is a DomainError.
 */
export class Camt053Collector {
  // Namespaces are resolved by hand for the root only: saxes' own resolution (`xmlns: true`)
  // costs a tenth of the reading time, and below the root only local names matter.
  private readonly parser = new SaxesParser<{ xmlns: false }>({ xmlns: false });
  /** The kept node of each open element (null: skipped subtree). */
  private readonly nodes: (PathNode | null)[] = [];
  private readonly records: FieldRecord[] = [];
  private text = '';
  private capturing = false;
  private readonly onText = (text: string): void => this.addText(text);
  private statement: FieldRecord | null = null;
  private statementAnnounced = false;
  private entry: FieldRecord | null = null;
  private entrySize = 0;
  /** account + statement id → line of its first `Stmt`. */
  private readonly statementLines = new Map<string, number>();
  private events: StatementFileEvent[] = [];

  constructor(private readonly options: CollectorOptions) {
    this.parser.on('opentag', (tag) => this.openElement(tag));
    this.parser.on('closetag', () => this.closeElement());
    this.parser.on('cdata', (text) => this.addText(text));
    this.parser.on('doctype', () => {
      throw xmlDtdForbidden(this.parser.line);
    });
    this.parser.on('error', (error) => {
      throw xmlMalformed(this.parser.line, error.message.replace(SAXES_POSITION, ''));
    });
  }

  /** The line the parser has reached: where the next text written starts. */
  get line(): number {
    return this.parser.line;
  }

  write(text: string): void {
    this.parser.write(text);
  }

  /** Ends the document: a truncated file fails here. */
  close(): void {
    this.parser.close();
  }

  /** The events produced since the last call, in document order. */
  takeEvents(): StatementFileEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private openElement(tag: SaxesTagPlain): void {
    const depth = this.nodes.length;
    if (depth >= MAX_DEPTH) throw xmlMalformed(this.parser.line, `elements are nested more than ${MAX_DEPTH} deep`);
    const node = this.nodeOf(tag, depth);
    this.nodes.push(node);
    this.capture(node?.field != null);
    if (node === null) return;
    if (node.record !== null) this.openRecord(node.record);
    if (node.attributes.size > 0) this.keepAttributes(node, tag);
    if (node.field !== null) this.text = '';
  }

  private nodeOf(tag: SaxesTagPlain, depth: number): PathNode | null {
    const name = localName(tag.name);
    if (depth === 0) {
      checkDocumentElement(name, this.rootNamespace(tag), this.parser.line);
      return DOCUMENT_NODE;
    }
    if (depth === 1) checkMessageElement(name, this.parser.line);
    return this.nodes[depth - 1]?.children.get(name) ?? null;
  }

  private rootNamespace(tag: SaxesTagPlain): string {
    const colon = tag.name.indexOf(':');
    const declaration = colon < 0 ? 'xmlns' : `xmlns:${tag.name.slice(0, colon)}`;
    const uri = tag.attributes[declaration];
    if (uri === undefined && colon >= 0) throw xmlMalformed(this.parser.line, `the prefix of <${tag.name.slice(0, 100)}> is not bound to a namespace`);
    return uri ?? '';
  }

  private closeElement(): void {
    const node = this.nodes.pop();
    this.capture(this.nodes[this.nodes.length - 1]?.field != null);
    if (!node) return;
    if (node.field !== null) {
      this.keepValue(node, this.text);
      this.text = '';
    }
    if (node.record !== null) this.closeRecord(node.record);
  }

  /**
   * Text events only inside kept fields: most text is indentation between elements, and
   * without a handler saxes does not even slice it out.
   */
  private capture(capturing: boolean): void {
    if (capturing === this.capturing) return;
    this.capturing = capturing;
    if (capturing) this.parser.on('text', this.onText);
    else this.parser.off('text');
  }

  private addText(text: string): void {
    if (!this.capturing) return;
    if (this.text.length + text.length > MAX_TEXT_LENGTH) {
      throw xmlMalformed(this.parser.line, `an element's text is longer than ${MAX_TEXT_LENGTH} characters`);
    }
    this.text += text;
  }

  private keepAttributes(node: PathNode, tag: SaxesTagPlain): void {
    for (const [name, field] of node.attributes) {
      const value = tag.attributes[name];
      if (value !== undefined) this.chargeValue(this.currentRecord()?.set(field, value) ?? 0);
    }
  }

  private keepValue(node: PathNode, value: string): void {
    const record = this.currentRecord();
    if (record === undefined || node.field === null) return;
    this.chargeValue(node.repeated ? record.add(node.field, value) : record.set(node.field, value));
  }

  private chargeValue(keptCharacters: number): void {
    if (keptCharacters > 0) this.charge(keptCharacters + VALUE_COST);
  }

  private currentRecord(): FieldRecord | undefined {
    return this.records[this.records.length - 1];
  }

  /** Bounds what one `Ntry` holds: a batch of a million `TxDtls` must not exhaust memory. */
  private charge(size: number): void {
    if (this.entry === null) return;
    this.entrySize += size;
    if (this.entrySize > MAX_ENTRY_SIZE) {
      throw xmlMalformed(this.entry.line, `the entry (Ntry) holds more than ${MAX_ENTRY_SIZE} characters of details`);
    }
  }

  private openRecord(kind: RecordKind): void {
    const record = new FieldRecord(kind, this.parser.line);
    if (kind === 'statement') {
      this.statement = record;
      this.statementAnnounced = false;
    } else if (kind === 'entry') {
      this.announceStatement();
      this.entry = record;
      this.entrySize = 0;
    } else if (kind === 'details') {
      this.charge(RECORD_COST);
    }
    this.records.push(record);
  }

  private closeRecord(kind: RecordKind): void {
    const record = this.records.pop();
    const parent = this.currentRecord();
    if (record === undefined) return;
    if (kind === 'balance' && parent) keepBalance(parent, record);
    else if (kind === 'details' && parent) parent.children.push(record);
    else if (kind === 'entry') this.closeEntry(record);
    else if (kind === 'statement') {
      this.announceStatement();
      this.statement = null;
    }
  }

  private closeEntry(entry: FieldRecord): void {
    this.entry = null;
    const context = { statementId: this.statement?.get('statementId') ?? null, includeNotBooked: this.options.includeNotBooked };
    for (const event of mapEntry(entry, context)) this.events.push(event);
  }

  /** Yields the `Stmt` header once, before its first entry (the schema puts `Bal` before `Ntry`). */
  private announceStatement(): void {
    if (this.statement === null || this.statementAnnounced) return;
    this.statementAnnounced = true;
    this.refuseRepeated(this.statement);
    const { statement, problems } = mapStatement(this.statement);
    this.events.push({ type: 'statement', statement });
    for (const problem of problems) this.events.push({ type: 'problem', problem });
  }

  private refuseRepeated(statement: FieldRecord): void {
    const id = statement.get('statementId');
    if (id === null) return;
    const key = `${statementAccountId(statement) ?? ''}\n${id}`;
    const first = this.statementLines.get(key);
    if (first === undefined) {
      this.statementLines.set(key, statement.line);
      return;
    }
    throw DomainError.field(
      'statement_repeated',
      'Stmt/Id',
      `line ${statement.line}: statement ${quoted(id)} of the same account was already in the file at line ${first}`,
    );
  }
}
