import { DomainError } from '@concilia/domain';

/** `xml_malformed`, with the line and a reason safe to show a client. */
export function xmlMalformed(line: number, reason: string): DomainError {
  return DomainError.field('xml_malformed', `line ${line}`, `line ${line}: the XML is malformed: ${reason}`);
}

export function xmlDtdForbidden(line: number): DomainError {
  return DomainError.field(
    'xml_dtd_forbidden',
    `line ${line}`,
    `line ${line}: the file has a <!DOCTYPE> declaration; DTDs are refused (entity expansion, external entities)`,
  );
}
